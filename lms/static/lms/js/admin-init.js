// Starts the Wagtail admin widgets whose stock templates used an inline
// <script>, which the admin's Content-Security-Policy forbids. Our template
// overrides (lms/people/templates/wagtailadmin/) and chooser widgets (lms/admin_csp.py)
// leave a JSON data block instead:
//   <script type="application/json" data-lms-init="InlinePanel">…</script>
// holding the same escapejs-encoded options the inline script used.
(function () {
  "use strict";

  function options(element) {
    // The content is a JavaScript string body (escapejs): decode, then parse.
    return JSON.parse(JSON.parse('"' + element.textContent.trim() + '"'));
  }

  // The chooser constructors Wagtail's chooser widgets call (lms/admin_csp.py).
  var CHOOSERS = ["Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"];

  var starters = {
    chooser: function (element) {
      var name = element.dataset.lmsConstructor;
      if (CHOOSERS.indexOf(name) === -1 || typeof window[name] !== "function") {
        throw new Error("Unknown chooser " + name);
      }
      return new window[name](element.dataset.lmsFor, options(element));
    },
    createTaskChooser: function (element) {
      window.createTaskChooser(element.dataset.lmsFor);
    },
    InlinePanel: function (element) {
      return new window.InlinePanel(options(element));
    },
    MultipleChooserPanel: function (element) {
      return new window.MultipleChooserPanel(options(element));
    },
    initDateChooser: function (element) {
      window.initDateChooser(element.dataset.lmsFor, options(element));
    },
    initTimeChooser: function (element) {
      window.initTimeChooser(element.dataset.lmsFor, options(element));
    },
    initDateTimeChooser: function (element) {
      window.initDateTimeChooser(element.dataset.lmsFor, options(element));
    },
  };

  function start(root) {
    if (!root.querySelectorAll) return;
    var found = root.querySelectorAll('script[type="application/json"][data-lms-init]');
    Array.prototype.forEach.call(found, function (element) {
      // Blocks inside a <template> (forms not added yet) wait until added.
      if (element.dataset.lmsStarted || element.closest("template")) return;
      var starter = starters[element.dataset.lmsInit];
      if (!starter) return;
      element.dataset.lmsStarted = "1";
      starter(element);
    });
  }

  function ready() {
    start(document);
    // Forms added later (an inline panel's "Add", modals) bring their own blocks.
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        Array.prototype.forEach.call(mutation.addedNodes, function (node) {
          if (node.nodeType === 1) {
            start(node.parentNode || node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
