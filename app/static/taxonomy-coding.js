// Coding view enhancement: selecting words in the item text fills the excerpt field with the
// selection and its offsets. Without JavaScript coders copy the excerpt by hand.
(function () {
  "use strict";
  function offsetWithin(root, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(root);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("item-text");
    var excerpt = document.getElementById("excerpt");
    var start = document.getElementById("excerpt-start");
    var end = document.getElementById("excerpt-end");
    if (!text || !excerpt || !start || !end) { return; }
    function capture() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
      var range = selection.getRangeAt(0);
      if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
      var a = offsetWithin(text, range.startContainer, range.startOffset);
      var b = offsetWithin(text, range.endContainer, range.endOffset);
      var raw = text.textContent;
      while (a < b && /\s/.test(raw.charAt(a))) { a++; }
      while (b > a && /\s/.test(raw.charAt(b - 1))) { b--; }
      if (a >= b) { return; }
      start.value = a;
      end.value = b;
      excerpt.value = raw.slice(a, b);
    }
    text.addEventListener("mouseup", capture);
    text.addEventListener("keyup", capture);
    excerpt.addEventListener("input", function () { start.value = ""; end.value = ""; });
  });
})();
