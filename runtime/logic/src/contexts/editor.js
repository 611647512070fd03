  // ---- the editor context, and `context` in selector queries ------------------------
  // (Inserted into prelude.js at its //@contexts line: it uses the prelude's helpers.)

  // The EditorContext of the <editor> `selector` finds in `scope` (its match number
  // `index`): each method is an element
  // call the page host's editor answers (components/library/editor/), with the platforms'
  // success / fail / complete and a promise when none is given.
  function editorContext(scope, selector, index) {
    function method(name, result) {
      return function (params) {
        var api = 'EditorContext.' + name;
        var args = params && typeof params === 'object' ? plainParams(params) : null;
        var promise = callElement(scope, selector, name, args, index);
        if (hasCallbacks(params)) {
          settleCallbacks(api, params, promise, result);
          return undefined;
        }
        return promise.then(function (value) { return success(api, result ? result(value) : {}); }, function (error) {
          throw failure(api, { error: 3, errorMessage: error.message });
        });
      };
    }
    // The answer's fields, as the page host gave them (none headless, where nothing is drawn).
    var fields = function (value) { return value && typeof value === 'object' ? value : {}; };
    var context = {};
    ['insertDivider', 'insertImage', 'insertText', 'setContents', 'clear', 'removeFormat', 'undo', 'redo',
      'blur', 'scrollIntoView'].forEach(function (name) { context[name] = method(name); });
    context.getContents = method('getContents', fields);
    context.getSelectionText = method('getSelectionText', fields);
    // format(name, value): no callbacks, as the platforms have it.
    context.format = function (name, value) {
      callElement(scope, selector, 'format', { name: String(name), value: value === undefined ? null : value }, index)
        .catch(function (error) { log('warn', ['EditorContext.format: ' + error.message]); });
    };
    return context;
  }

  // NodesRef.context(callback): the element's context ({context}), for the elements that
  // have one (the session's `describe` says which); null for the others.
  NodesRef.prototype.context = function (callback) {
    return this.fields({ context: true }, callback);
  };
  var CONTEXT_MAKERS = { editor: editorContext, video: videoContext };
  queryResultMakers.push(function (scope, result) {
    var description = result.context;
    if (!description || typeof description !== 'object' || !description.__capsuleContext) return;
    var make = CONTEXT_MAKERS[String(description.__capsuleContext)];
    result.context = make ? make(scope, String(description.selector), Number(description.index) || 0) : null;
  });
