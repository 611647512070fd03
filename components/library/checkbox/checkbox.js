// <checkbox> and <checkbox-group>: a tap flips the box; the box and its group report change
// (the group with the values of every checked box).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function toggleCheckbox(el) {
  if (truthy(attrsOf(el).disabled)) return;
  const checked = !el.hasAttribute("checked");
  reflect(el, "checked", checked);
  emit(el, "change", { value: checked });
  const group = mpClosest(el.parentElement, "checkbox-group");
  if (group) emit(group, "change", { value: checkedValues(group) });
}
const checkedValues = (group) => groupMembers(group, "checkbox").filter((el) => el.hasAttribute("checked")).map(valueOf);

define("checkbox", {
  attrs: { color: syncColor },
  created: syncColor,
  tap(el) {
    toggleCheckbox(el);
    return true;
  },
  change(el, value) {
    if (el.hasAttribute("checked") !== (value === true)) toggleCheckbox(el);
  },
  formReset: resetChecked,
});
define("checkbox-group", {
  formValue: checkedValues,
  change(el, value) {
    const wanted = (Array.isArray(value) ? value : []).map(String);
    for (const box of groupMembers(el, "checkbox")) reflect(box, "checked", wanted.includes(valueOf(box)));
    emit(el, "change", { value: checkedValues(el) });
  },
});
