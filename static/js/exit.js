// Exit this page: the link works without JavaScript. With it, the page is replaced
// in history (so Back does not return here) and pressing Shift three times exits too.
(function () {
  "use strict";
  var link = document.querySelector("[data-exit-this-page]");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    document.title = "Loading";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  var hint = document.querySelector(".exit-hint");
  // Only offer the Shift shortcut where a keyboard is likely.
  var keyboard = window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches;
  if (hint && keyboard) { hint.hidden = false; }
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) { presses = 0; leave(); }
  });
}());
