// A "Copy the letter" button for the text version of a letter. Without JavaScript there is
// no button: the text area is there to select and copy.
(function () {
  var area = document.getElementById("copy-area");
  var box = area && document.getElementById(area.getAttribute("data-copy"));
  if (!box || !navigator.clipboard) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.id = "copy-letter";
  button.className = "button button-secondary";
  button.textContent = "Copy the letter";
  var status = document.createElement("span");
  status.id = "copy-status";
  status.setAttribute("role", "status");
  area.appendChild(button);
  area.appendChild(status);
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(box.value).then(function () {
      status.textContent = "Copied.";
    });
  });
})();
