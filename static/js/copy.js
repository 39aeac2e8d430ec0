// The "Copy the letter" button on the text version of a letter; without JavaScript the
// button stays hidden and the text area is there to select and copy.
(function () {
  var button = document.getElementById("copy-letter");
  var box = document.getElementById(button ? button.getAttribute("data-copy") : "");
  if (!button || !box || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(box.value).then(function () {
      document.getElementById("copy-status").textContent = "Copied.";
    });
  });
})();
