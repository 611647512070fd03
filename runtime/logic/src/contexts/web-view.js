  // ---- web-view: the mini-program's side of its H5 pages --------------------------
  // (Inserted into prelude.js at its //@contexts line: it uses the prelude's helpers.)

  // my.createWebViewContext(id) (WeChat has none: its H5 pages hear only from their URL):
  // postMessage(data) reaches the H5 page's my.onMessage.
  own.createWebViewContext = function (id, owner) {
    var scope = ownerScope(owner, 'createWebViewContext');
    var selector = attributeSelector('web-view', 'id', id);
    return {
      postMessage: function (data) {
        // What JSON carries of it, as the H5 page gets it.
        var text = viewJson(data, 'WebViewContext.postMessage data');
        var value = text === undefined ? null : JSON.parse(text);
        callElement(scope, selector, 'postMessage', value).catch(function (error) {
          log('warn', ['WebViewContext.postMessage: ' + error.message]);
        });
      },
    };
  };

