// Click a sentence to highlight where the other outlets tell the same fact.
// Without this script each sentence is a link to its fact's row in the facts table.
(function () {
  "use strict";
  var current = null;
  function clear() {
    document.querySelectorAll("a.st.hl").forEach(function (el) { el.classList.remove("hl"); });
  }
  function show(fact) {
    clear();
    var box = document.getElementById("matches");
    if (!fact || fact === current) { current = null; if (box) { box.textContent = ""; } return; }
    current = fact;
    var safe = fact.replace(/[^\w-]/g, "");
    var hits = document.querySelectorAll('a.st[data-fact="' + safe + '"]');
    var outlets = [];
    hits.forEach(function (el) {
      el.classList.add("hl");
      var o = el.getAttribute("data-outlet");
      if (outlets.indexOf(o) < 0) { outlets.push(o); }
    });
    if (box) {
      box.textContent = safe + ": told by " + outlets.length + " outlet(s): " + outlets.join(", ");
    }
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("a.st") : null;
    if (el) { ev.preventDefault(); show(el.getAttribute("data-fact")); }
  });
})();
