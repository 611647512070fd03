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
  // Each box that changes reports its own change, as a tap on it does, then the group once.
  change(el, value) {
    const wanted = (Array.isArray(value) ? value : []).map(String);
    for (const box of groupMembers(el, "checkbox")) {
      const checked = wanted.includes(valueOf(box));
      if (box.hasAttribute("checked") === checked) continue;
      reflect(box, "checked", checked);
      emit(box, "change", { value: checked });
    }
    emit(el, "change", { value: checkedValues(el) });
  },
});
