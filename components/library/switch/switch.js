// <switch>: a tap flips it and it reports change with its new state.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function toggleSwitch(el) {
  if (truthy(attrsOf(el).disabled)) return;
  const checked = !el.hasAttribute("checked");
  reflect(el, "checked", checked);
  emit(el, "change", { value: checked });
}

define("switch", {
  attrs: { color: syncColor },
  created: syncColor,
  tap(el) {
    toggleSwitch(el);
    return true;
  },
  change(el, value) {
    if (el.hasAttribute("checked") !== (value === true)) toggleSwitch(el);
  },
  formValue: (el) => el.hasAttribute("checked"),
  formReset: resetChecked,
});
