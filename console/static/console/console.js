// A transcript opens at its latest message, where the operator's attention is.
document.addEventListener("DOMContentLoaded", function () {
  var messages = document.querySelectorAll("#live .transcript > *");
  if (messages.length) messages[messages.length - 1].scrollIntoView({ block: "end" });
});
