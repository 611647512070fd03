// <label>: a tap inside acts on its control, the one named by `for`, else
// the first inside, unless the tap landed on a control that acted itself.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const LABELLED = "switch, checkbox, radio, input, textarea";
function labelledControl(label) {
  const id = attrsOf(label).for;
  const control = id ? findById(root, String(id)) : label.querySelector(LABELLED);
  return control && isMpElement(control) && control.matches(LABELLED) ? control : null;
}

define("label", {
  tap(label, handled) {
    const control = !handled && labelledControl(label);
    if (!control) return false;
    if (isTextField(control)) focusField(control);
    else kindOf(control).tap(control, false);
    return true;
  },
});
