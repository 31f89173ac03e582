// Highlight the three parts (source, cue, content) of one statement together.
// Hover or focus anything carrying data-att (a mark in the text, a statement in the list)
// to light up every element with the same data-att; click to keep it lit. The page works
// without this script: it only adds the "hl" and "pinned" classes.
(function () {
  "use strict";
  var hovered = null;
  var pinned = null;

  function all(att) {
    return document.querySelectorAll('[data-att="' + CSS.escape(att) + '"]');
  }
  function setClass(att, cls, on) {
    if (att === null) return;
    all(att).forEach(function (el) { el.classList.toggle(cls, on); });
  }
  function attOf(target) {
    var el = target && target.closest ? target.closest("[data-att]") : null;
    return el ? el.getAttribute("data-att") : null;
  }
  function hover(event) {
    var att = attOf(event.target);
    if (att === hovered) return;
    setClass(hovered, "hl", false);
    hovered = att;
    setClass(hovered, "hl", true);
  }
  function pin(event) {
    var att = attOf(event.target);
    if (att === null || (event.target.closest && event.target.closest("a"))) return;
    setClass(pinned, "pinned", false);
    pinned = att === pinned ? null : att;
    setClass(pinned, "pinned", true);
  }
  document.addEventListener("mouseover", hover);
  document.addEventListener("focusin", hover);
  document.addEventListener("click", pin);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("li[data-att]")) pin(event);
  });
  // a link to #att-a3 pins that statement on arrival
  var m = /^#att-(.+)$/.exec(window.location.hash);
  if (m) { pinned = decodeURIComponent(m[1]); setClass(pinned, "pinned", true); }
})();
