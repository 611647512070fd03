// <button>: the look of every type, size, plain, loading and disabled; a
// tap on a form-type button submits or resets its form.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

define("button", {
  tap(el) {
    const formType = attrsOf(el)["form-type"];
    const form = (formType === "submit" || formType === "reset") && mpClosest(el, "form");
    // Alipay's onSubmit also says which button submitted: buttonTarget, with its dataset.
    if (form && formType === "submit") {
      const detail = { value: formValues(form) };
      if (alipayDialect()) detail.buttonTarget = { dataset: datasetOf(el) };
      emit(form, "submit", detail);
    }
    if (form && formType === "reset") resetForm(form);
    return false;
  },
});
