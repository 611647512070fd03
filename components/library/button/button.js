// <button>: the look of every type, size, plain, loading and disabled; a tap on a
// form-type button submits or resets its form; a tap on a button with an open-type tells the
// runtime (mpOpenType), which does what that open-type does, the same headless
// (runtime/src/miniprogram/session/open_types.rs).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

define("button", {
  tap(el) {
    const attrs = attrsOf(el);
    const formType = attrs["form-type"];
    const form = (formType === "submit" || formType === "reset") && mpClosest(el, "form");
    // Alipay's onSubmit also says which button submitted: buttonTarget, with its dataset.
    if (form && formType === "submit") {
      const detail = { value: formValues(form) };
      if (alipayDialect()) detail.buttonTarget = { dataset: datasetOf(el) };
      emit(form, "submit", detail);
    }
    if (form && formType === "reset") resetForm(form);
    const openType = attrs["open-type"] ?? attrs.openType;
    const path = openType !== undefined && openType !== null && openType !== "" && pathOf(el);
    if (path) post({ kind: "mpOpenType", path });
    return false;
  },
});
