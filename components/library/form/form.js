// <form>: a button inside with form-type submit reports submit with the
// value of every named field (each component says what it submits); reset puts them back.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function formValues(form) {
  const value = {};
  for (const el of form.querySelectorAll("[name]")) {
    const formValue = isMpElement(el) && kindOf(el).formValue;
    if (formValue) value[String(attrsOf(el).name)] = formValue(el);
  }
  return value;
}
function resetForm(form) {
  for (const el of form.querySelectorAll("*")) {
    const formReset = isMpElement(el) && kindOf(el).formReset;
    if (formReset) formReset(el);
  }
  emit(form, "reset", {});
}

define("form", {});
