// <radio> and <radio-group>: a tap checks the radio (a checked one stays checked) and
// unchecks the others of its group, which reports change with the radio's value.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function chooseRadio(el) {
  if (truthy(attrsOf(el).disabled) || el.hasAttribute("checked")) return;
  reflect(el, "checked", true);
  emit(el, "change", { value: true });
  const group = mpClosest(el.parentElement, "radio-group");
  if (!group) return;
  for (const other of groupMembers(group, "radio")) if (other !== el) reflect(other, "checked", false);
  emit(group, "change", { value: valueOf(el) });
}

define("radio", {
  attrs: { color: syncColor },
  created: syncColor,
  tap(el) {
    chooseRadio(el);
    return true;
  },
  change: chooseRadio,
  formReset: resetChecked,
});
define("radio-group", {
  formValue(el) {
    const chosen = groupMembers(el, "radio").find((radio) => radio.hasAttribute("checked"));
    return chosen ? valueOf(chosen) : "";
  },
  change(el, value) {
    const radio = groupMembers(el, "radio").find((candidate) => valueOf(candidate) === String(value));
    if (!radio) throw new Error("no radio with value " + JSON.stringify(value));
    chooseRadio(radio);
  },
});
