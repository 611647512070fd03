  // ---- canvas: the old API's CanvasContext (createCanvasContext, draw), Canvas 2D nodes
  // (a selector query's fields({node: true}) on a <canvas type="2d">), canvasToTempFilePath,
  // canvasGetImageData and canvasPutImageData. (Inserted into prelude.js at its //@contexts
  // line: it uses the prelude's helpers.)
  //
  // Nothing is drawn here. Calls are recorded as actions, ['m', method, args] and
  // ['s', property, value], and the page host runs them on the webview's own <canvas>
  // (components/library/canvas/canvas.js): a draw() sends the old API's actions in one element
  // call; a 2D context sends what one task recorded in one element call, from a promise job
  // once the task is over. What the page host cannot take as JSON goes as {g: gradient},
  // {p: pattern}, {i: key, u: url} (a picture) and {d: ImageData}. Headless, or on a page not
  // drawn, drawing succeeds with nothing drawn, and exporting or reading pixels fails saying
  // there are none. Calls the logic must answer at once get the logic's own answer: property
  // getters and getTransform() from the state kept here, measureText() approximately (see
  // canvasTextWidth); getImageData() answers a promise.

  // Most actions sent at once (a draw, or a 2D context's task); the rest are dropped.
  var CANVAS_MAX_ACTIONS = 100000;
  // Most pixels read or written at once (getImageData, putImageData), as the page host
  // takes them.
  var CANVAS_MAX_PIXELS = 1 << 20;
  // The context state a browser starts from, and what each property takes.
  var CANVAS_DEFAULTS = {
    fillStyle: '#000000', strokeStyle: '#000000', lineWidth: 1, lineCap: 'butt', lineJoin: 'miter',
    miterLimit: 10, lineDashOffset: 0, font: '10px sans-serif', textAlign: 'start',
    textBaseline: 'alphabetic', direction: 'inherit', globalAlpha: 1,
    globalCompositeOperation: 'source-over', shadowBlur: 0, shadowColor: 'rgba(0, 0, 0, 0)',
    shadowOffsetX: 0, shadowOffsetY: 0, imageSmoothingEnabled: true, imageSmoothingQuality: 'low',
    filter: 'none',
  };
  var CANVAS_WORDS = {
    lineCap: ['butt', 'round', 'square'],
    lineJoin: ['round', 'bevel', 'miter'],
    textAlign: ['start', 'end', 'left', 'right', 'center'],
    textBaseline: ['top', 'hanging', 'middle', 'alphabetic', 'ideographic', 'bottom'],
    direction: ['ltr', 'rtl', 'inherit'],
    imageSmoothingQuality: ['low', 'medium', 'high'],
  };
  // Path, rectangle and transform methods: how many numbers each needs (a browser draws
  // nothing when one of them is not finite).
  var CANVAS_NUMBERS = {
    beginPath: 0, closePath: 0, moveTo: 2, lineTo: 2, bezierCurveTo: 6, quadraticCurveTo: 4,
    arc: 5, arcTo: 5, ellipse: 7, rect: 4, roundRect: 4, fillRect: 4, strokeRect: 4,
    clearRect: 4, translate: 2, rotate: 1, scale: 2, transform: 6, resetTransform: 0,
  };

  function canvasWarn(what, message) {
    log('warn', [what + ': ' + message]);
  }

  function CanvasGradient(kind, args) {
    this._kind = kind;
    this._args = args;
    this._stops = [];
  }
  CanvasGradient.prototype.addColorStop = function (offset, color) {
    var at = Number(offset);
    if (!(at >= 0 && at <= 1)) return canvasWarn('CanvasGradient.addColorStop', 'the offset must be between 0 and 1, got ' + inspect(offset));
    this._stops.push([at, String(color)]);
  };

  function CanvasPattern(image, repetition) {
    this._image = image;
    this._repetition = repetition === undefined || repetition === null ? 'repeat' : String(repetition);
  }

  // A value of an action as the page host takes it (a gradient with the stops it has now).
  function canvasWire(value) {
    if (value instanceof CanvasGradient) return { g: { kind: value._kind, args: value._args, stops: value._stops.slice() } };
    if (value instanceof CanvasPattern) return { p: { image: value._image, repetition: value._repetition } };
    return value;
  }
  function canvasWireActions(actions) {
    return actions.map(function (action) {
      if (action[0] === 's') return ['s', action[1], canvasWire(action[2])];
      return action[0] === 'm' ? ['m', action[1], action[2].map(canvasWire)] : action;
    });
  }

  // ---- pictures: package paths (relative to the page), files of the app's area (sent as
  // data: URLs, read through readFile), data: URLs. Network pictures are drawn from the file
  // downloadFile saves: the page may not load them itself.
  var canvasFilePictures = new Map(); // key -> data: URL, the last few
  var PICTURE_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', svg: 'image/svg+xml' };

  function canvasPicture(src, scope) {
    var text = src === undefined || src === null ? '' : String(src);
    if (!text) throw new Error('the picture has no path');
    if (/^data:image\//i.test(text)) return { i: text };
    if (/^wxfile:\/\//i.test(text) || /^https:\/\/(usr|resource|store)(\/|$)/i.test(text)) return filePicture(text);
    if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.slice(0, 2) === '//') {
      throw new Error(text + ' is not in the package: draw a picture from the network from the file ' + apiNamespace + '.downloadFile saves');
    }
    var page = scope && pages.get(scope.page);
    var folder = text.charAt(0) === '/' || !page ? [] : String(page.path).split('/').slice(0, -1);
    text.split(/[\\/]+/).forEach(function (segment) {
      if (segment === '' || segment === '.') return;
      if (segment === '..') {
        if (!folder.length) throw new Error(text + ' leads outside the package');
        folder.pop();
      } else {
        folder.push(segment);
      }
    });
    return { i: '/' + folder.join('/') };
  }

  function filePicture(path) {
    var stat = native.invokeSync('stat', { path: path });
    if (!stat.ok) throw new Error(path + ': ' + String(stat.value && stat.value.errorMessage || 'cannot be read'));
    var stats = stat.value.stats || {};
    var key = path + '#' + stats.size + '-' + stats.lastModifiedTime;
    if (!canvasFilePictures.has(key)) {
      var read = native.invokeSync('readFile', { filePath: path, encoding: 'base64' });
      if (!read.ok) throw new Error(path + ': ' + String(read.value && read.value.errorMessage || 'cannot be read'));
      var extension = (/\.([a-z0-9]+)$/i.exec(path) || ['', ''])[1].toLowerCase();
      if (canvasFilePictures.size >= 8) canvasFilePictures.delete(canvasFilePictures.keys().next().value);
      canvasFilePictures.set(key, 'data:' + (PICTURE_TYPES[extension] || 'image/png') + ';base64,' + read.value.data);
    }
    return { i: key, u: canvasFilePictures.get(key) };
  }

  // ---- measureText: the logic cannot wait for the webview's answer, so widths are
  // Helvetica's advance widths (per 1000 em) for printable ASCII, 1 em for CJK, full-width
  // and astral characters (emoji), 0.6 em for the rest, at the font's size (bold 6% wider).
  var HELVETICA_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
  ];
  function canvasFontSize(font) {
    var match = /(\d*\.?\d+)(px|pt|em|rem|%)/i.exec(String(font));
    if (!match) return 10;
    var n = Number(match[1]);
    var unit = match[2].toLowerCase();
    return unit === 'px' ? n : unit === 'pt' ? (n * 4) / 3 : unit === '%' ? (n / 100) * 16 : n * 16;
  }
  function wideCharacter(code) {
    return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3)
      || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
      || (code >= 0xffe0 && code <= 0xffe6);
  }
  function canvasTextWidth(text, font) {
    var units = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) {
        units += 1000;
        i++;
      } else if (code >= 32 && code < 127) {
        units += HELVETICA_WIDTHS[code - 32];
      } else if (code >= 0x300 && code <= 0x36f) {
        // combining marks take no room
      } else {
        units += wideCharacter(code) ? 1000 : 600;
      }
    }
    var bold = /\b(bold|bolder|[6-9]00)\b/.test(String(font)) ? 1.06 : 1;
    return (units / 1000) * canvasFontSize(font) * bold;
  }

  // ---- the drawing methods both contexts share: `this._record(action)` takes an action,
  // `this._state` and `this._stack` mirror the context's state for the getters.
  function freshCanvasState() {
    return Object.assign({}, CANVAS_DEFAULTS, { lineDash: [], matrix: [1, 0, 0, 1, 0, 0] });
  }

  function CanvasRecorder() {}

  function multiply(m, n) {
    return [
      m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1],
      m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
      m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
    ];
  }

  // What property `name` becomes for `value`; undefined when a browser would ignore it.
  function canvasAccepts(name, value) {
    switch (name) {
      case 'fillStyle':
      case 'strokeStyle':
        if (value instanceof CanvasGradient || value instanceof CanvasPattern) return value;
        return typeof value === 'string' ? value : undefined;
      case 'lineWidth':
      case 'miterLimit':
        return typeof value === 'number' && isFinite(value) && value > 0 ? value : undefined;
      case 'shadowBlur':
        return typeof value === 'number' && isFinite(value) && value >= 0 ? value : undefined;
      case 'globalAlpha':
        return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
      case 'lineDashOffset':
      case 'shadowOffsetX':
      case 'shadowOffsetY':
        return typeof value === 'number' && isFinite(value) ? value : undefined;
      case 'imageSmoothingEnabled':
        return Boolean(value);
      default:
        if (CANVAS_WORDS[name]) return CANVAS_WORDS[name].indexOf(String(value)) >= 0 ? String(value) : undefined;
        return value === undefined || value === null ? undefined : String(value);
    }
  }

  Object.keys(CANVAS_DEFAULTS).forEach(function (name) {
    Object.defineProperty(CanvasRecorder.prototype, name, {
      enumerable: true,
      get: function () { return this._state[name]; },
      set: function (value) { this._set(name, value); },
    });
  });

  CanvasRecorder.prototype._begin = function (what) {
    this._what = what;
    this._state = freshCanvasState();
    this._stack = [];
  };
  CanvasRecorder.prototype._set = function (name, value) {
    var accepted = canvasAccepts(name, value);
    if (accepted === undefined) return;
    this._state[name] = accepted;
    this._record(['s', name, accepted]);
  };
  CanvasRecorder.prototype._call = function (name, args) {
    this._record(['m', name, args]);
  };

  Object.keys(CANVAS_NUMBERS).forEach(function (name) {
    var count = CANVAS_NUMBERS[name];
    CanvasRecorder.prototype[name] = function () {
      if (arguments.length < count) {
        return canvasWarn(this._what + '.' + name, 'needs ' + count + ' arguments, got ' + arguments.length);
      }
      var args = [];
      for (var i = 0; i < count; i++) {
        var n = Number(arguments[i]);
        if (!isFinite(n)) return undefined;
        args.push(n);
      }
      var extra = arguments[count];
      if ((name === 'arc' || name === 'ellipse') && extra !== undefined) args.push(Boolean(extra));
      if (name === 'roundRect' && extra !== undefined) {
        var radii = (Array.isArray(extra) ? extra : [extra]).map(Number);
        if (!radii.every(function (r) { return isFinite(r) && r >= 0; })) {
          return canvasWarn(this._what + '.roundRect', 'the radii must be numbers of at least 0');
        }
        args.push(radii);
      }
      var state = this._state;
      if (name === 'translate') state.matrix = multiply(state.matrix, [1, 0, 0, 1, args[0], args[1]]);
      if (name === 'scale') state.matrix = multiply(state.matrix, [args[0], 0, 0, args[1], 0, 0]);
      if (name === 'rotate') {
        var cos = Math.cos(args[0]);
        var sin = Math.sin(args[0]);
        state.matrix = multiply(state.matrix, [cos, sin, -sin, cos, 0, 0]);
      }
      if (name === 'transform') state.matrix = multiply(state.matrix, args);
      if (name === 'resetTransform') state.matrix = [1, 0, 0, 1, 0, 0];
      this._call(name, args);
      return undefined;
    };
  });

  CanvasRecorder.prototype.setTransform = function (a, b, c, d, e, f) {
    var m = arguments.length === 1 && a && typeof a === 'object'
      ? [a.a, a.b, a.c, a.d, a.e, a.f].map(function (n) { return n === undefined ? 0 : Number(n); })
      : [a, b, c, d, e, f].map(Number);
    if (arguments.length === 1 && a && typeof a === 'object') {
      if (a.a === undefined) m[0] = 1;
      if (a.d === undefined) m[3] = 1;
    } else if (arguments.length < 6) {
      return canvasWarn(this._what + '.setTransform', 'needs 6 numbers or a matrix, got ' + arguments.length + ' arguments');
    }
    if (!m.every(isFinite)) return undefined;
    this._state.matrix = m;
    this._call('setTransform', m);
    return undefined;
  };
  CanvasRecorder.prototype.getTransform = function () {
    var m = this._state.matrix;
    return { a: m[0], b: m[1], c: m[2], d: m[3], e: m[4], f: m[5], is2D: true, isIdentity: m.join() === '1,0,0,1,0,0' };
  };

  CanvasRecorder.prototype.save = function () {
    if (this._stack.length < 1024) this._stack.push(Object.assign({}, this._state, { lineDash: this._state.lineDash.slice() }));
    this._call('save', []);
  };
  CanvasRecorder.prototype.restore = function () {
    if (this._stack.length) this._state = this._stack.pop();
    this._call('restore', []);
  };
  CanvasRecorder.prototype.reset = function () {
    this._state = freshCanvasState();
    this._stack = [];
    this._call('reset', []);
  };

  ['fill', 'stroke', 'clip'].forEach(function (name) {
    CanvasRecorder.prototype[name] = function (rule) {
      if (rule !== undefined && rule !== null && typeof rule === 'object') {
        return canvasWarn(this._what + '.' + name, 'Path2D is not supported here: build the path on the context');
      }
      this._call(name, name !== 'stroke' && (rule === 'evenodd' || rule === 'nonzero') ? [rule] : []);
      return undefined;
    };
  });

  ['fillText', 'strokeText'].forEach(function (name) {
    CanvasRecorder.prototype[name] = function (text, x, y, maxWidth) {
      if (arguments.length < 3) return canvasWarn(this._what + '.' + name, 'needs the text, x and y');
      var args = [String(text), Number(x), Number(y)];
      if (maxWidth !== undefined) args.push(Number(maxWidth));
      if (!args.slice(1).every(isFinite)) return undefined;
      this._call(name, args);
      return undefined;
    };
  });

  CanvasRecorder.prototype.setLineDash = function (segments) {
    var list = Array.isArray(segments) ? segments.map(Number) : null;
    if (!list || !list.every(function (n) { return isFinite(n) && n >= 0; })) {
      return canvasWarn(this._what + '.setLineDash', 'needs an array of numbers of at least 0');
    }
    this._state.lineDash = list.length % 2 ? list.concat(list) : list;
    this._call('setLineDash', [list]);
    return undefined;
  };
  CanvasRecorder.prototype.getLineDash = function () {
    return this._state.lineDash.slice();
  };

  CanvasRecorder.prototype.createLinearGradient = function (x0, y0, x1, y1) {
    return new CanvasGradient('linear', [x0, y0, x1, y1].map(function (n) { return Number(n) || 0; }));
  };
  CanvasRecorder.prototype.createRadialGradient = function (x0, y0, r0, x1, y1, r1) {
    return new CanvasGradient('radial', [x0, y0, r0, x1, y1, r1].map(function (n) { return Number(n) || 0; }));
  };

  // The picture `image` stands for: an Image of a 2D node, or (the old API) a path.
  CanvasRecorder.prototype._picture = function (image) {
    if (image instanceof CanvasImage) {
      if (!image._ref) throw new Error('the Image has no src yet');
      return image._ref;
    }
    if (image instanceof CanvasNode) throw new Error('drawing one canvas onto another is not supported here');
    if (typeof image === 'string') return canvasPicture(image, this._scope());
    throw new Error('the picture must be ' + (this._legacy ? 'a path' : "an Image from the canvas's createImage()"));
  };
  CanvasRecorder.prototype.drawImage = function (image) {
    var count = arguments.length - 1;
    if (count !== 2 && count !== 4 && count !== 8) {
      return canvasWarn(this._what + '.drawImage', 'takes the picture and 2, 4 or 8 numbers, got ' + count);
    }
    var args = [];
    for (var i = 1; i < arguments.length; i++) {
      var n = Number(arguments[i]);
      if (!isFinite(n)) return undefined;
      args.push(n);
    }
    try {
      args.unshift(this._picture(image));
    } catch (error) {
      return canvasWarn(this._what + '.drawImage', error.message);
    }
    this._call('drawImage', args);
    return undefined;
  };
  CanvasRecorder.prototype.createPattern = function (image, repetition) {
    try {
      return new CanvasPattern(this._picture(image), repetition);
    } catch (error) {
      canvasWarn(this._what + '.createPattern', error.message);
      return null;
    }
  };

  CanvasRecorder.prototype.measureText = function (text) {
    var content = String(text);
    var font = this._state.font;
    var size = canvasFontSize(font);
    var width = canvasTextWidth(content, font);
    return {
      width: width,
      actualBoundingBoxLeft: 0,
      actualBoundingBoxRight: width,
      actualBoundingBoxAscent: size * 0.72,
      actualBoundingBoxDescent: size * 0.21,
      fontBoundingBoxAscent: size * 0.93,
      fontBoundingBoxDescent: size * 0.24,
    };
  };

  ['isPointInPath', 'isPointInStroke'].forEach(function (name) {
    CanvasRecorder.prototype[name] = function () {
      canvasWarn(this._what + '.' + name, 'the logic cannot ask the webview and wait: answered false');
      return false;
    };
  });

  // ---- pixels: ImageData objects, their bytes as tagged ArrayBuffers on the way
  function CanvasImageData(width, height, data) {
    this.width = width;
    this.height = height;
    this.data = data || new Uint8ClampedArray(width * height * 4);
  }

  // {width, height, data} with data of width × height × 4 bytes, as the page host takes it.
  function wirePixels(what, source) {
    var width = Math.round(Number(source && source.width));
    var height = Math.round(Number(source && source.height));
    if (!(width > 0 && height > 0)) throw canvasError(2, what + ': width and height must be above 0');
    if (width * height > CANVAS_MAX_PIXELS) throw canvasError(2, what + ': at most ' + CANVAS_MAX_PIXELS + ' pixels go at once');
    var data = source.data;
    var bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : Array.isArray(data) ? new Uint8ClampedArray(data) : null;
    if (!bytes) throw canvasError(2, what + ': data must be a Uint8ClampedArray');
    if (bytes.length !== width * height * 4) {
      throw canvasError(2, what + ': data has ' + bytes.length + ' bytes; ' + width + '×' + height + ' pixels need ' + width * height * 4);
    }
    return { width: width, height: height, data: native.tagBuffer(new Uint8Array(bytes).buffer) };
  }

  function readPixels(value) {
    if (!value) throw canvasError(3, 'there are no pixels to read: no webview draws this page (a headless session, or a page not shown)');
    return new CanvasImageData(value.width, value.height, new Uint8ClampedArray(native.untagBuffer(value.data)));
  }

  CanvasRecorder.prototype.createImageData = function (width, height) {
    if (width && typeof width === 'object') return new CanvasImageData(width.width, width.height);
    var w = Math.abs(Math.round(Number(width)));
    var h = Math.abs(Math.round(Number(height)));
    if (!(w > 0 && h > 0) || w * h > (1 << 22)) {
      canvasWarn(this._what + '.createImageData', 'needs a width and a height above 0, at most ' + (1 << 22) + ' pixels');
      return null;
    }
    return new CanvasImageData(w, h);
  };

  // ---- the old API: wx.createCanvasContext(canvasId, this) / my.createCanvasContext(id)
  function LegacyCanvasContext(id, owner) {
    this._begin('CanvasContext');
    this._legacy = true;
    this._actions = [];
    this._dropped = false;
    var scope = null;
    try {
      if (owner) scope = ownerScope(owner, 'createCanvasContext');
    } catch (error) {
      scope = null;
    }
    var selector = legacyCanvasSelector(id);
    // Without `this`, the page shown when it draws.
    this._where = function () {
      return { scope: scope || ownerScope(null, 'createCanvasContext'), selector: selector };
    };
  }
  LegacyCanvasContext.prototype = Object.create(CanvasRecorder.prototype);
  LegacyCanvasContext.prototype.constructor = LegacyCanvasContext;

  function legacyCanvasSelector(id) {
    return attributeSelector('canvas', wechat ? 'canvas-id' : 'id', id === undefined || id === null ? '' : id);
  }

  LegacyCanvasContext.prototype._scope = function () {
    try {
      return this._where().scope;
    } catch (error) {
      return null;
    }
  };
  LegacyCanvasContext.prototype._record = function (action) {
    if (this._actions.length >= CANVAS_MAX_ACTIONS) {
      if (!this._dropped) canvasWarn('CanvasContext', 'more than ' + CANVAS_MAX_ACTIONS + ' calls before draw(): the rest are dropped');
      this._dropped = true;
      return;
    }
    this._actions.push(action);
  };

  // The old API's setters and its circular gradient.
  var LEGACY_SETTERS = {
    setFillStyle: 'fillStyle', setStrokeStyle: 'strokeStyle', setLineWidth: 'lineWidth',
    setLineCap: 'lineCap', setLineJoin: 'lineJoin', setMiterLimit: 'miterLimit',
    setGlobalAlpha: 'globalAlpha', setTextAlign: 'textAlign',
  };
  Object.keys(LEGACY_SETTERS).forEach(function (method) {
    LegacyCanvasContext.prototype[method] = function (value) { this._set(LEGACY_SETTERS[method], value); };
  });
  LegacyCanvasContext.prototype.setTextBaseline = function (value) {
    this._set('textBaseline', value === 'normal' ? 'alphabetic' : value);
  };
  LegacyCanvasContext.prototype.setFontSize = function (size) {
    var px = Number(size);
    if (!(px > 0 && isFinite(px))) return canvasWarn('CanvasContext.setFontSize', 'needs a size above 0');
    var font = this._state.font;
    this._set('font', /\d*\.?\d+(px|pt|em|rem|%)/i.test(font) ? font.replace(/\d*\.?\d+(px|pt|em|rem|%)/i, px + 'px') : px + 'px sans-serif');
  };
  LegacyCanvasContext.prototype.setShadow = function (offsetX, offsetY, blur, color) {
    this._set('shadowOffsetX', Number(offsetX) || 0);
    this._set('shadowOffsetY', Number(offsetY) || 0);
    this._set('shadowBlur', Math.max(0, Number(blur) || 0));
    this._set('shadowColor', color === undefined || color === null ? 'black' : String(color));
  };
  LegacyCanvasContext.prototype.setLineDash = function (pattern, offset) {
    CanvasRecorder.prototype.setLineDash.call(this, pattern === undefined || pattern === null ? [] : pattern);
    if (offset !== undefined) this._set('lineDashOffset', Number(offset));
  };
  LegacyCanvasContext.prototype.createCircularGradient = function (x, y, r) {
    return this.createRadialGradient(x, y, 0, x, y, r);
  };

  // Sends the actions recorded since the last draw; `reserve` keeps what is drawn already.
  LegacyCanvasContext.prototype.draw = function (reserve, callback) {
    if (typeof reserve === 'function') {
      callback = reserve;
      reserve = false;
    }
    var actions = canvasWireActions(this._actions);
    this._actions = [];
    this._dropped = false;
    var route = currentRoute;
    var where;
    try {
      where = this._where();
    } catch (error) {
      return canvasWarn('CanvasContext.draw', error.message);
    }
    callElement(where.scope, where.selector, 'draw', { reserve: !!reserve, actions: actions }).then(function (value) {
      withRoute(route, function () {
        reportCanvasErrors('CanvasContext.draw', value);
        if (typeof callback === 'function') guard(callback, null, []);
      });
    }, function (error) {
      withRoute(route, function () { canvasWarn('CanvasContext.draw', canvasMissing(error, where.selector)); });
    });
    return undefined;
  };

  // Alipay's own: the context exports and reads its canvas.
  LegacyCanvasContext.prototype.toTempFilePath = function (params) {
    var context = this;
    return canvasApi('toTempFilePath', params, function (p) {
      var where = context._where();
      return exportCanvasFile(where, p);
    });
  };
  LegacyCanvasContext.prototype.getImageData = function (params) {
    var context = this;
    return canvasApi('getImageData', params, function (p) {
      return getCanvasPixels(context._where(), p);
    });
  };
  LegacyCanvasContext.prototype.putImageData = function (params) {
    var context = this;
    return canvasApi('putImageData', params, function (p) {
      return putCanvasPixels(context._where(), p);
    });
  };

  own.createCanvasContext = function (id, owner) {
    if (typeof id !== 'string' && typeof id !== 'number') {
      canvasWarn(apiNamespace + '.createCanvasContext', 'needs the ' + (wechat ? 'canvas-id' : 'id') + ' of a <canvas>, got ' + inspect(id));
    }
    return new LegacyCanvasContext(id, owner);
  };

  // ---- Canvas 2D: the node a selector query gives for a <canvas type="2d">
  var nextCanvasFrame = 1;

  function CanvasNode(scope, selector, description) {
    var size = function (value, fallback) {
      var n = Math.round(Number(value));
      return n > 0 ? n : fallback;
    };
    this._scope = scope;
    this._selector = selector;
    this._type = description.type;
    this._width = size(description.width, 300);
    this._height = size(description.height, 150);
    this._pending = [];
    this._batchSize = [this._width, this._height];
    this._scheduled = false;
    this._dropped = false;
    this._inFlight = null;
    this._context = null;
    this._known = new Set(); // pictures the page host has loaded for this canvas
    this._frames = new Map();
    this._frameTimer = 0;
    this._lastFrame = 0;
  }
  var NO_CANVAS_ID = 'this <canvas> has neither an id nor a canvas-id: give it an id to draw on it through its node';

  ['width', 'height'].forEach(function (name) {
    Object.defineProperty(CanvasNode.prototype, name, {
      enumerable: true,
      get: function () { return this['_' + name]; },
      set: function (value) {
        var n = Math.floor(Number(value));
        this['_' + name] = n >= 0 && n <= 16384 ? n : name === 'width' ? 300 : 150;
        // As in a browser: a new size clears the canvas and the context's state.
        if (this._context) this._context._begin('CanvasRenderingContext2D');
        this._record(['r', this._width, this._height]);
      },
    });
  });

  CanvasNode.prototype._record = function (action) {
    if (!this._pending.length) this._batchSize = action[0] === 'r' ? [action[1], action[2]] : [this._width, this._height];
    if (this._pending.length >= CANVAS_MAX_ACTIONS) {
      if (!this._dropped) canvasWarn('CanvasRenderingContext2D', 'more than ' + CANVAS_MAX_ACTIONS + ' calls in one task: the rest are dropped');
      this._dropped = true;
      return;
    }
    this._pending.push(action);
    if (!this._scheduled) {
      this._scheduled = true;
      var node = this;
      Promise.resolve().then(function () { node._flush(); });
    }
  };

  // Sends what was recorded; resolves once the page host has drawn it.
  CanvasNode.prototype._flush = function () {
    this._scheduled = false;
    this._dropped = false;
    if (!this._pending.length) return this._inFlight || Promise.resolve();
    var node = this;
    var actions = canvasWireActions(this._pending).map(function (action) {
      if (action[0] !== 'm') return action;
      return [action[0], action[1], action[2].map(function (value) {
        // A picture the page host has already loaded goes by its key alone.
        return value && typeof value.u === 'string' && node._known.has(value.i) ? { i: value.i } : value;
      })];
    });
    this._pending = [];
    if (!this._selector) {
      canvasWarn('Canvas', NO_CANVAS_ID);
      return Promise.resolve();
    }
    var route = currentRoute;
    var size = this._batchSize;
    var sent = callElement(this._scope, this._selector, 'flush', { width: size[0], height: size[1], actions: actions }).then(function (value) {
      if (value && Array.isArray(value.errors) && value.errors.length) {
        node._known.clear();
        withRoute(route, function () { reportCanvasErrors('CanvasRenderingContext2D', value); });
      }
    }, function (error) {
      withRoute(route, function () { canvasWarn('CanvasRenderingContext2D', canvasMissing(error, node._selector)); });
    });
    this._inFlight = sent;
    return sent;
  };

  CanvasNode.prototype.getContext = function (type) {
    if (type === '2d') {
      if (!this._context) this._context = new CanvasContext2D(this);
      return this._context;
    }
    canvasWarn('Canvas.getContext', inspect(type) + ' is not supported here: only "2d" is');
    return null;
  };
  CanvasNode.prototype.createImage = function () {
    return new CanvasImage(this);
  };
  CanvasNode.prototype.createImageData = function (width, height) {
    return CanvasRecorder.prototype.createImageData.call({ _what: 'Canvas' }, width, height);
  };
  CanvasNode.prototype.requestAnimationFrame = function (callback) {
    if (typeof callback !== 'function') {
      canvasWarn('Canvas.requestAnimationFrame', 'needs a function');
      return 0;
    }
    var id = nextCanvasFrame++;
    this._frames.set(id, { callback: callback, route: currentRoute });
    this._scheduleFrame();
    return id;
  };
  CanvasNode.prototype.cancelAnimationFrame = function (id) {
    this._frames.delete(id);
  };
  // Frames come about every 16 ms, and not before the page host has drawn the last one.
  CanvasNode.prototype._scheduleFrame = function () {
    if (this._frameTimer) return;
    var node = this;
    var wait = Math.max(0, node._lastFrame + 16 - Date.now());
    this._frameTimer = setTimeout(function () {
      (node._inFlight || Promise.resolve()).then(function () {
        node._frameTimer = 0;
        node._lastFrame = Date.now();
        var frames = node._frames;
        node._frames = new Map();
        frames.forEach(function (frame) {
          withRoute(frame.route, function () { guard(frame.callback, null, [node._lastFrame]); });
        });
      });
    }, wait);
  };
  CanvasNode.prototype.toDataURL = function () {
    canvasWarn('Canvas.toDataURL', 'the logic cannot wait for the webview\'s pixels: use ' + apiNamespace + '.canvasToTempFilePath({canvas}) instead');
    return 'data:,';
  };

  function CanvasContext2D(node) {
    this._begin('CanvasRenderingContext2D');
    this._node = node;
    this.canvas = node;
  }
  CanvasContext2D.prototype = Object.create(CanvasRecorder.prototype);
  CanvasContext2D.prototype.constructor = CanvasContext2D;
  CanvasContext2D.prototype._record = function (action) {
    this._node._record(action);
  };
  CanvasContext2D.prototype._scope = function () {
    return this._node._scope;
  };
  CanvasContext2D.prototype.putImageData = function (imageData, dx, dy) {
    var numbers = Array.prototype.slice.call(arguments, 1).map(Number);
    if (numbers.length !== 2 && numbers.length !== 6) {
      return canvasWarn('CanvasRenderingContext2D.putImageData', 'takes the ImageData and 2 or 6 numbers');
    }
    if (!numbers.every(isFinite)) return undefined;
    try {
      this._call('putImageData', [{ d: wirePixels('putImageData', imageData) }].concat(numbers));
    } catch (error) {
      canvasWarn('CanvasRenderingContext2D.putImageData', error.message);
    }
    return undefined;
  };
  // Asynchronous here: the pixels come from the webview. Answers a promise of the ImageData.
  var warnedImageData = false;
  CanvasContext2D.prototype.getImageData = function (x, y, width, height) {
    if (!warnedImageData) canvasWarn('CanvasRenderingContext2D.getImageData', 'answers a promise of the ImageData here (the pixels come from the webview)');
    warnedImageData = true;
    var node = this._node;
    if (!node._selector) return Promise.reject(new Error(NO_CANVAS_ID));
    return node._flush().then(function () {
      return callElement(node._scope, node._selector, 'getImageData', { x: Number(x), y: Number(y), width: Number(width), height: Number(height) });
    }).then(readPixels);
  };

  // An Image of a 2D node: loaded by the page host for its canvas when src is set.
  function CanvasImage(node) {
    this._node = node;
    this._src = '';
    this._ref = null;
    this._loads = 0;
    this.width = 0;
    this.height = 0;
    this.complete = true;
    this.onload = null;
    this.onerror = null;
  }
  Object.defineProperty(CanvasImage.prototype, 'src', {
    enumerable: true,
    get: function () { return this._src; },
    set: function (value) {
      var image = this;
      var node = this._node;
      var load = ++this._loads;
      var route = currentRoute;
      this._src = value === undefined || value === null ? '' : String(value);
      this._ref = null;
      this.complete = false;
      var loaded = new Promise(function (resolve) {
        image._ref = canvasPicture(image._src, node._scope);
        if (!node._selector) throw new Error(NO_CANVAS_ID);
        resolve(callElement(node._scope, node._selector, 'image', { key: image._ref.i, url: image._ref.u || image._ref.i }));
      });
      loaded.then(function (size) {
        if (load !== image._loads) return;
        if (size) node._known.add(image._ref.i);
        image.complete = true;
        image.width = size ? Number(size.width) || 0 : 0;
        image.height = size ? Number(size.height) || 0 : 0;
        withRoute(route, function () { if (typeof image.onload === 'function') guard(image.onload, image, [{ type: 'load' }]); });
      }, function (error) {
        if (load !== image._loads) return;
        image.complete = true;
        withRoute(route, function () {
          if (typeof image.onerror === 'function') guard(image.onerror, image, [{ type: 'error', errMsg: error.message }]);
          else canvasWarn('Image', error.message);
        });
      });
    },
  });

  // A query's result for a <canvas type="2d"> with `node: true` carries what the node is
  // made from ({__capsuleNode: 'canvas', id, canvasId, type, width, height}: the session's
  // `describe`); the query's callbacks get the node. One node per canvas of a page.
  function canvasNodeOf(scope, description) {
    var selector = description.id ? attributeSelector('canvas', 'id', description.id)
      : description.canvasId ? attributeSelector('canvas', 'canvas-id', description.canvasId) : null;
    var page = pages.get(scope.page);
    var key = (scope.component === null || scope.component === undefined ? '' : scope.component) + ' ' + selector;
    if (selector && page && page.canvasNodes && page.canvasNodes[key]) return page.canvasNodes[key];
    var node = new CanvasNode(scope, selector, description);
    if (selector && page) {
      page.canvasNodes = page.canvasNodes || Object.create(null);
      page.canvasNodes[key] = node;
    }
    return node;
  }
  queryResultMakers.push(function (scope, result) {
    if (result.node && result.node.__capsuleNode === 'canvas') result.node = canvasNodeOf(scope, result.node);
  });
  // NodesRef.node(callback): the node alone, as both platforms have it.
  NodesRef.prototype.node = function (callback) {
    return this.fields({ node: true }, callback);
  };

  // ---- canvasToTempFilePath, canvasGetImageData, canvasPutImageData
  function canvasError(code, message) {
    var error = new Error(message);
    error.code = code;
    return error;
  }

  // A failed element call said as the canvas it looked for.
  function canvasMissing(error, selector) {
    var message = String(error && error.message || error);
    return /^no element matches/.test(message) ? 'no ' + selector.replace(/^canvas\[(.*)\]$/, '<canvas $1>') + ' on the page' : message;
  }

  function reportCanvasErrors(what, value) {
    if (value && Array.isArray(value.errors) && value.errors.length) canvasWarn(what, value.errors.join('; '));
  }

  // `api`'s callbacks (success, fail, complete) or, without any, its promise, from what
  // `work(params)` resolves or rejects with (an error's `code`: 2 bad arguments, else 3).
  function canvasApi(api, params, work) {
    params = params && typeof params === 'object' ? params : {};
    var route = currentRoute;
    var outcome;
    try {
      outcome = Promise.resolve(work(params));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    var settled = outcome.then(function (value) {
      return withRoute(route, function () {
        var answer = success(api, value);
        hook(params, 'success', [answer]);
        hook(params, 'complete', [answer]);
        return answer;
      });
    }, function (error) {
      return withRoute(route, function () {
        var code = error && typeof error.code === 'number' && error.code !== API_NOT_FOUND ? error.code : 3;
        var answer = failure(api, { error: code, errorMessage: String(error && error.message || error) });
        hook(params, 'fail', [answer]);
        hook(params, 'complete', [answer]);
        throw answer;
      });
    });
    if (hasCallbacks(params)) {
      settled.catch(function () {});
      return undefined;
    }
    return settled;
  }

  // A native API's result, or its failure as an Error with its code.
  function nativeResult(name, params) {
    return new Promise(function (resolve, reject) {
      callAsync(name, Object.assign({}, params, {
        success: function (result) { resolve(result); },
        fail: function (answer) {
          var code = wechat ? answer.errno : answer.error;
          var message = wechat ? String(answer.errMsg).replace(/^[^:]*:fail /, '') : answer.errorMessage;
          reject(canvasError(typeof code === 'number' ? code : 3, message));
        },
      }));
    });
  }

  // The canvas `params` names: its node (`canvas`), or its canvas-id (Alipay: id) found in
  // the page or in the component `owner`. Waits for what the node has recorded to be drawn.
  function canvasTarget(api, params, owner) {
    if (params.canvas !== undefined && params.canvas !== null) {
      var node = params.canvas;
      if (!(node instanceof CanvasNode)) throw canvasError(2, "'canvas' must be a canvas node from a selector query's fields({node: true})");
      if (!node._selector) throw canvasError(3, NO_CANVAS_ID);
      var drawn = node._flush();
      return { scope: node._scope, selector: node._selector, drawn: drawn };
    }
    var id = params.canvasId;
    if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
      throw canvasError(2, "'canvasId' must be the " + (wechat ? 'canvas-id' : 'id') + ' of a <canvas> (or give a 2D canvas node as \'canvas\')');
    }
    return { scope: ownerScope(owner, api), selector: legacyCanvasSelector(id) };
  }

  function canvasNumbers(params, names, required) {
    var out = {};
    names.forEach(function (name) {
      var value = params[name];
      if (value === undefined || value === null) {
        if (required) throw canvasError(2, "'" + name + "' is required");
        return;
      }
      if (typeof value !== 'number' || !isFinite(value)) throw canvasError(2, "'" + name + "' must be a number, got " + inspect(value));
      if (name !== 'x' && name !== 'y' && !(value > 0)) throw canvasError(2, "'" + name + "' must be above 0");
      out[name] = value;
    });
    return out;
  }

  function elementAnswer(where, method, args) {
    return Promise.resolve(where.drawn).then(function () {
      return callElement(where.scope, where.selector, method, args);
    }).catch(function (error) {
      throw canvasError(3, canvasMissing(error, where.selector));
    });
  }

  function exportCanvasFile(where, params) {
    var region = canvasNumbers(params, ['x', 'y', 'width', 'height', 'destWidth', 'destHeight'], false);
    var fileType = params.fileType === undefined || params.fileType === null ? 'png' : params.fileType;
    if (fileType !== 'png' && fileType !== 'jpg' && fileType !== 'jpeg') {
      throw canvasError(2, "'fileType' must be png or jpg, got " + inspect(fileType));
    }
    region.fileType = fileType === 'png' ? 'png' : 'jpg';
    var quality = Number(params.quality);
    region.quality = quality > 0 && quality <= 1 ? quality : 1;
    return elementAnswer(where, 'export', region).then(function (picture) {
      if (!picture) throw canvasError(3, 'there are no pixels to export: no webview draws this page (a headless session, or a page not shown)');
      return nativeResult('writeTempImage', { data: picture.data, fileType: picture.fileType });
    }).then(function (written) {
      var path = written.tempFilePath;
      return wechat ? { tempFilePath: path } : { tempFilePath: path, filePath: path, apFilePath: path };
    });
  }

  function getCanvasPixels(where, params) {
    var region = canvasNumbers(params, ['x', 'y', 'width', 'height'], true);
    if (region.width * region.height > CANVAS_MAX_PIXELS) throw canvasError(2, 'at most ' + CANVAS_MAX_PIXELS + ' pixels are read at once');
    return elementAnswer(where, 'getImageData', region).then(function (value) {
      var image = readPixels(value);
      return { width: image.width, height: image.height, data: image.data };
    });
  }

  function putCanvasPixels(where, params) {
    var at = canvasNumbers(params, ['x', 'y'], false);
    var pixels = wirePixels('putImageData', params);
    return elementAnswer(where, 'putImageData', Object.assign(pixels, { x: at.x || 0, y: at.y || 0 })).then(function () { return {}; });
  }

  own.canvasToTempFilePath = function (params, owner) {
    return canvasApi('canvasToTempFilePath', params, function (p) {
      return exportCanvasFile(canvasTarget('canvasToTempFilePath', p, owner), p);
    });
  };
  own.canvasGetImageData = function (params, owner) {
    return canvasApi('canvasGetImageData', params, function (p) {
      return getCanvasPixels(canvasTarget('canvasGetImageData', p, owner), p);
    });
  };
  own.canvasPutImageData = function (params, owner) {
    return canvasApi('canvasPutImageData', params, function (p) {
      return putCanvasPixels(canvasTarget('canvasPutImageData', p, owner), p);
    });
  };

