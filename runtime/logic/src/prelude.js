// The mini-program framework on top of the logic thread's native functions (`__native`):
// App, Page, Component, Behavior, getApp, getCurrentPages, console, timers, require, the
// `my` / `wx` API object, setData and the page stack. The Rust event loop calls the functions
// of `__capsule`.
(function (global) {
  'use strict';
  var native = global.__native;
  delete global.__native;
  var dialect = native.dialect;
  var wechat = dialect === 'wechat';

  // ---- console and errors ------------------------------------------------------------
  var currentRoute = null;

  function withRoute(route, fn) {
    var saved = currentRoute;
    currentRoute = route;
    try {
      return fn();
    } finally {
      currentRoute = saved;
    }
  }

  function inspect(value) {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return '[Function ' + (value.name || 'anonymous') + ']';
    if (value instanceof Error) return describe(value);
    try {
      var text = JSON.stringify(value, function (key, v) {
        return typeof v === 'function' ? '[Function]' : v === undefined ? null : v;
      });
      return text === undefined ? String(value) : text;
    } catch (e) {
      return String(value);
    }
  }

  function describe(error) {
    if (error instanceof Error) {
      var head = error.name + ': ' + error.message;
      // Frames of this prelude say nothing to the app's author.
      var stack = typeof error.stack === 'string'
        ? error.stack.split('\n').filter(function (line) {
            return line.trim() && line.indexOf('<capsule prelude>') < 0;
          }).join('\n')
        : '';
      return stack ? head + '\n' + stack : head;
    }
    return 'Uncaught ' + inspect(error);
  }

  function log(level, args) {
    native.log(level, currentRoute, Array.prototype.map.call(args, inspect).join(' '));
  }

  global.console = {
    log: function () { log('log', arguments); },
    info: function () { log('info', arguments); },
    warn: function () { log('warn', arguments); },
    error: function () { log('error', arguments); },
    debug: function () { log('debug', arguments); },
  };

  var app = null;

  function reportError(message) {
    native.log('error', currentRoute, message);
    native.send({ kind: 'scriptError', message: message });
    var handlers = (app && typeof app.onError === 'function' ? [app.onError.bind(app)] : [])
      .concat(appListeners.error);
    handlers.forEach(function (handler) {
      try {
        handler(message);
      } catch (e) {
        native.log('error', currentRoute, 'an onError handler threw: ' + describe(e));
      }
    });
  }

  // `onAppShow` / `onAppHide` / `onError` / `onMemoryWarning` listeners (`my.` or `wx.`),
  // beside App's hooks.
  var appListeners = { show: [], hide: [], error: [], memoryWarning: [] };

  // Runs app code; a throw is reported and the app keeps running.
  function guard(fn, self, args) {
    try {
      return fn.apply(self, args || []);
    } catch (e) {
      reportError(describe(e));
      return undefined;
    }
  }

  function hook(target, name, args) {
    var fn = target && target[name];
    return typeof fn === 'function' ? guard(fn, target, args) : undefined;
  }

  // ---- timers ------------------------------------------------------------------------
  var timers = new Map();
  var nextTimer = 1;

  function addTimer(fn, delay, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('timer callback must be a function');
    var id = nextTimer++;
    var ms = Math.max(Number(delay) || 0, 0);
    timers.set(id, { fn: fn, args: args, every: repeat ? Math.max(ms, 1) : 0, route: currentRoute });
    native.setTimer(id, ms);
    return id;
  }

  function clearTimer(id) {
    if (timers.delete(id)) native.clearTimer(id);
  }

  global.setTimeout = function (fn, delay) {
    return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), false);
  };
  global.setInterval = function (fn, delay) {
    return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), true);
  };
  global.clearTimeout = clearTimer;
  global.clearInterval = clearTimer;

  function fireTimer(id) {
    var timer = timers.get(id);
    if (!timer) return;
    if (timer.every) native.setTimer(id, timer.every);
    else timers.delete(id);
    withRoute(timer.route, function () { guard(timer.fn, undefined, timer.args); });
  }

  // ---- modules -----------------------------------------------------------------------
  var moduleCache = Object.create(null);

  function makeRequire(from) {
    return function require(specifier) {
      if (typeof specifier !== 'string') throw new TypeError('require() needs a module path string');
      var path = native.resolve(specifier, from);
      if (path === null) throw new Error("cannot find module '" + specifier + "' required from " + from);
      return loadModule(path).exports;
    };
  }

  // Each file runs once; a cycle sees the partly filled exports, as in Node.
  function loadModule(path) {
    var cached = moduleCache[path];
    if (cached) return cached;
    var module = { id: path, filename: path, exports: {}, loaded: false };
    moduleCache[path] = module;
    try {
      if (/\.json$/.test(path)) {
        module.exports = native.loadJson(path);
      } else {
        var body = native.compile(path);
        if (body === null) {
          module.exports = native.importModule(path);
        } else {
          var dir = path.split('/').slice(0, -1).join('/');
          body.call(module.exports, module.exports, makeRequire(path), module, path, dir);
        }
      }
      module.loaded = true;
      return module;
    } catch (e) {
      delete moduleCache[path];
      throw e;
    }
  }

  // ---- data paths --------------------------------------------------------------------
  // 'a.b[2].c' -> ['a', 'b', 2, 'c']; errors name `what` (setData unless given).
  function parsePath(path, what) {
    var keys = [];
    var word = '';
    var i = 0;
    function bad(why) {
      return new Error((what || 'setData') + ': bad path "' + path + '": ' + why);
    }
    while (i < path.length) {
      var ch = path[i];
      if (ch === '.') {
        if (!word) throw bad('empty key');
        keys.push(word);
        word = '';
        i++;
      } else if (ch === '[') {
        if (word) keys.push(word);
        else if (!keys.length) throw bad('starts with an index');
        word = '';
        var end = path.indexOf(']', i);
        if (end < 0) throw bad('unclosed [');
        var digits = path.slice(i + 1, end).trim();
        if (!/^\d+$/.test(digits)) throw bad('index must be a non-negative integer');
        keys.push(Number(digits));
        i = end + 1;
        if (i < path.length && path[i] !== '.' && path[i] !== '[') throw bad('expected . or [ after ]');
        if (path[i] === '.') {
          i++;
          if (i >= path.length) throw bad('ends with .');
        }
      } else {
        word += ch;
        i++;
      }
    }
    if (path[path.length - 1] === '.') throw bad('ends with .');
    if (word) keys.push(word);
    if (!keys.length) throw bad('empty');
    return keys;
  }

  function setPath(root, keys, value) {
    var node = root;
    for (var i = 0; i < keys.length - 1; i++) {
      var next = node[keys[i]];
      if (next === null || typeof next !== 'object') {
        next = typeof keys[i + 1] === 'number' ? [] : {};
        node[keys[i]] = next;
      }
      node = next;
    }
    node[keys[keys.length - 1]] = value;
  }

  function getPath(root, keys) {
    var node = root;
    for (var i = 0; i < keys.length; i++) {
      if (node === null || node === undefined) return undefined;
      node = node[keys[i]];
    }
    return node;
  }

  function clone(value) {
    if (Array.isArray(value)) return value.map(clone);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      var copy = {};
      for (var key in value) copy[key] = clone(value[key]);
      return copy;
    }
    return value;
  }

  // The JSON text of what of `value` reaches the view: functions and undefined are left out
  // of objects and become null in arrays, and `toJSON` (Date) applies; undefined when
  // nothing is left. A value that contains itself throws a TypeError naming `what`.
  // The engine's own JSON.stringify does the walk: a copy made in script costs many times
  // more, and so would JSON.parse (the engine parses JSON as script).
  function viewJson(value, what) {
    try {
      return JSON.stringify(value);
    } catch (error) {
      if (error instanceof TypeError && /cyclic|circular/i.test(String(error.message))) {
        throw new TypeError(what + ' contains itself, which the view cannot be sent');
      }
      throw error;
    }
  }

  // The JSON text of `object` with the fields of `texts` added as they are: JSON texts from
  // viewJson (undefined becomes null).
  function jsonWith(object, texts) {
    var fields = [];
    for (var key in texts) fields.push(JSON.stringify(key) + ':' + (texts[key] === undefined ? 'null' : texts[key]));
    var text = JSON.stringify(object);
    return text.slice(0, -1) + (text.length > 2 ? ',' : '') + fields.join(',') + '}';
  }

  // Sends `message` with the fields of `texts` (see jsonWith).
  function sendWith(message, texts) {
    native.sendJson(jsonWith(message, texts));
  }

  // The changes ({path, value}) as the view gets them, as JSON text: changes to a function
  // are left out.
  function changesJson(changes) {
    var sent = [];
    changes.forEach(function (change) {
      var value = viewJson(change.value, 'setData: the value of "' + pathText(change.path) + '"');
      if (value !== undefined) sent.push(jsonWith({ path: change.path }, { value: value }));
    });
    return '[' + sent.join(',') + ']';
  }

  function pathText(keys) {
    // Built without a regular expression: this runs for every setData path, and the engine
    // compiles a literal each time it is evaluated.
    var text = keys.map(function (k) { return typeof k === 'number' ? '[' + k + ']' : '.' + k; }).join('');
    return text.charAt(0) === '.' ? text.slice(1) : text;
  }

  // ---- setData -----------------------------------------------------------------------
  var nextAck = 1;
  var ackCallbacks = new Map();

  function onAck(ack, owner, callback) {
    if (typeof callback === 'function') {
      ackCallbacks.set(ack, { fn: callback, owner: owner, route: currentRoute });
    }
  }

  function setDataAck(ack) {
    var entry = ackCallbacks.get(ack);
    if (!entry) return;
    ackCallbacks.delete(ack);
    withRoute(entry.route, function () { guard(entry.fn, entry.owner); });
  }

  // Gives `target` setData, $spliceData and $batchedUpdates for page `page` (and component
  // `component`). `update(changes, apply)`, when given, gets each call's changes ({path,
  // value}, or {path} for a splice) and must call `apply` once (WeChat components).
  function addDataMethods(target, page, component, update) {
    var batch = null;
    function define(name, fn) {
      Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
    }
    define('setData', function (patch, callback) {
      if (patch === null || typeof patch !== 'object') throw new TypeError('setData expects an object');
      var changes = [];
      for (var key in patch) {
        var value = patch[key];
        if (value === undefined) {
          log('warn', ['setData: the value of "' + key + '" is undefined and was ignored']);
          continue;
        }
        changes.push({ path: parsePath(key), value: value });
      }
      var apply = function () {
        if (batch) {
          batch.changes = batch.changes.concat(changes);
          if (typeof callback === 'function') batch.callbacks.push(callback);
        } else {
          var ack = nextAck++;
          // Refused (too large, not serialisable) before anything changes.
          sendWith({ kind: 'setData', page: page, component: component, ackId: ack }, { changes: changesJson(changes) });
          onAck(ack, target, callback);
        }
        for (var i = 0; i < changes.length; i++) setPath(target.data, changes[i].path, changes[i].value);
      };
      if (update && changes.length) update(changes, apply);
      else apply();
    });
    define('$spliceData', function (patch, callback) {
      if (patch === null || typeof patch !== 'object') throw new TypeError('$spliceData expects an object');
      var splices = [];
      for (var key in patch) {
        var op = patch[key];
        var path = parsePath(key);
        if (!Array.isArray(op) || op.length < 2) {
          throw new TypeError('$spliceData: "' + key + '" needs [start, deleteCount, ...items]');
        }
        var list = getPath(target.data, path);
        if (list === undefined) {
          list = [];
          setPath(target.data, path, list);
        }
        if (!Array.isArray(list)) throw new TypeError('$spliceData: "' + key + '" is not an array');
        var start = Math.min(Math.max(Number(op[0]) || 0, 0), list.length);
        var count = Math.min(Math.max(Number(op[1]) || 0, 0), list.length - start);
        splices.push({ path: path, start: start, deleteCount: count, items: op.slice(2), list: list });
      }
      var apply = function () {
        var ack = nextAck++;
        var sent = splices.map(function (s) {
          var items = viewJson(s.items, '$spliceData: the items for "' + pathText(s.path) + '"');
          return jsonWith({ path: s.path, start: s.start, deleteCount: s.deleteCount }, { items: items });
        });
        sendWith({ kind: 'spliceData', page: page, component: component, ackId: ack }, { splices: '[' + sent.join(',') + ']' });
        splices.forEach(function (s) {
          Array.prototype.splice.apply(s.list, [s.start, s.deleteCount].concat(s.items));
        });
        onAck(ack, target, callback);
      };
      if (update && splices.length) update(splices.map(function (s) { return { path: s.path }; }), apply);
      else apply();
    });
    define('$batchedUpdates', function (fn) {
      if (batch) return fn();
      batch = { changes: [], callbacks: [] };
      var collected = batch;
      try {
        fn();
      } finally {
        batch = null;
      }
      if (!collected.changes.length && !collected.callbacks.length) return;
      var ack = nextAck++;
      sendWith({ kind: 'setData', page: page, component: component, ackId: ack }, { changes: changesJson(collected.changes) });
      onAck(ack, target, function () {
        collected.callbacks.forEach(function (callback) { guard(callback, target); });
      });
    });
  }

  // ---- app.json, App, getApp ---------------------------------------------------------
  var appJson = {};
  var launchOptions = {};

  // The logic layer's global object is also `global`, as in Node: WeChat's own demo app
  // writes `global.isDemo = true` in app.js, and npm packages test `typeof global`.
  global.global = global;

  global.App = function (options) {
    if (app) {
      log('warn', ['App() was called more than once; the first call wins']);
      return;
    }
    app = options || {};
  };
  global.getApp = function () {
    return app;
  };

  function readAppJson() {
    if (native.resolve('/app.json', 'app.js') === null) return {};
    try {
      return native.loadJson('app.json');
    } catch (e) {
      reportError(describe(e));
      return {};
    }
  }

  // The pages app.json declares: `pages` and those of each subpackage (`root` + page).
  // Empty when app.json lists none, which leaves routing unchecked.
  function declaredPages() {
    var list = (appJson.pages || []).map(String);
    var packages = appJson.subPackages || appJson.subpackages || [];
    (Array.isArray(packages) ? packages : []).forEach(function (pkg) {
      var root = String((pkg && pkg.root) || '').replace(/^\/+|\/+$/g, '');
      ((pkg && pkg.pages) || []).forEach(function (page) {
        list.push(root + '/' + String(page));
      });
    });
    return list.map(function (page) { return page.replace(/^\/+/, ''); });
  }

  function tabPaths() {
    var tabBar = appJson.tabBar || {};
    var items = tabBar.list || tabBar.items || [];
    return items.map(function (item) { return String(item.pagePath || '').replace(/^\//, ''); });
  }

  // ---- pages -------------------------------------------------------------------------
  var definitions = { page: Object.create(null), component: Object.create(null) };
  var defining = null;
  var pages = new Map();
  var stack = [];
  var aliveTabs = new Map();
  var nextPage = 1;
  var MAX_STACK = 10;

  function define(kind) {
    return function (options) {
      if (!defining) throw new Error(kind + '() was called outside a ' + kind.toLowerCase() + ' file');
      definitions[kind.toLowerCase()][defining] = options || {};
    };
  }
  global.Page = define('Page');
  global.Component = define('Component');
  global.Behavior = function (options) {
    return Object.assign({ __behavior: true }, options);
  };
  global.getCurrentPages = function () {
    return stack.map(function (id) { return pages.get(id).inst; });
  };

  // Runs `path`.js (once) so that it registers its Page()/Component() options.
  function definitionOf(kind, path) {
    var table = definitions[kind];
    if (!(path in table)) {
      var file = native.resolve('/' + path, 'app.js');
      if (file === null) throw new Error(kind + ' ' + path + ' not found');
      var saved = defining;
      defining = path;
      try {
        loadModule(file);
      } finally {
        defining = saved;
      }
      if (kind === 'page' && !(path in table) && path in definitions.component) {
        table[path] = componentAsPage(definitions.component[path]);
      }
      if (!(path in table)) {
        throw new Error(file + ' did not call ' + (kind === 'page' ? 'Page()' : 'Component()'));
      }
    }
    return table[path];
  }

  // A page written as Component({...}) (WeChat): its methods are the page's methods, its
  // properties take the query's values of the same name, and its lifetimes and
  // pageLifetimes run around the page hooks.
  function componentAsPage(definition) {
    var parts = flatten(definition, 'behaviors');
    var page = { data: {} };
    var properties = {};
    parts.forEach(function (part) {
      Object.assign(page.data, clone(part.data || {}));
      Object.assign(properties, part.properties || {});
      Object.assign(page, part.methods || {});
    });
    for (var name in properties) {
      properties[name] = propertyOf(properties[name]);
      if (!(name in page.data)) page.data[name] = clone(properties[name].value);
    }
    var around = function (hookName, before) {
      var own = page[hookName];
      page[hookName] = function () {
        var self = this;
        var args = arguments;
        before.forEach(function (fn) { guard(fn, self, args); });
        return typeof own === 'function' ? own.apply(self, args) : undefined;
      };
    };
    var own = page.onLoad;
    page.onLoad = function (query) {
      var fromQuery = {};
      for (var key in properties) {
        if (query && key in query) fromQuery[key] = coerce(properties[key], query[key]);
      }
      if (Object.keys(fromQuery).length) this.setData(fromQuery);
      var self = this;
      lifecycle(parts, 'created').concat(lifecycle(parts, 'attached')).forEach(function (fn) { guard(fn, self); });
      return typeof own === 'function' ? own.call(this, query) : undefined;
    };
    around('onShow', pageLifetimes(parts, 'show'));
    around('onHide', pageLifetimes(parts, 'hide'));
    around('onReady', lifecycle(parts, 'ready'));
    around('onUnload', lifecycle(parts, 'detached'));
    return page;
  }

  // A url's page path and query; a path not starting with '/' is relative to the folder of
  // the page on top of the stack, as on both platforms.
  function parseUrl(url) {
    if (typeof url !== 'string' || !url) throw new Error('a page url is required');
    var mark = url.indexOf('?');
    var written = mark < 0 ? url : url.slice(0, mark);
    var base = written.charAt(0) === '/' || !stack.length ? [] : pages.get(top()).path.split('/').slice(0, -1);
    written.split('/').forEach(function (part) {
      if (part === '..') base.pop();
      else if (part && part !== '.') base.push(part);
    });
    var path = base.join('/').replace(/\.(js|wxml|axml)$/, '');
    var query = {};
    if (mark >= 0) {
      url.slice(mark + 1).split('&').forEach(function (pair) {
        if (!pair) return;
        var eq = pair.indexOf('=');
        var key = eq < 0 ? pair : pair.slice(0, eq);
        var value = eq < 0 ? '' : pair.slice(eq + 1);
        try {
          query[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
        } catch (e) {
          query[key] = value;
        }
      });
    }
    return { path: path, query: query };
  }

  // Creates a page on top of the stack and runs onLoad and onShow.
  function openPage(path, query, channel) {
    var definition = definitionOf('page', path);
    var id = nextPage++;
    var inst = {};
    for (var key in definition) {
      if (key !== 'data') inst[key] = definition[key];
    }
    inst.data = clone(definition.data || {});
    inst.route = path;
    inst.__route__ = path;
    inst.options = query;
    inst.$id = id;
    inst.createSelectorQuery = function () { return new SelectorQuery(id, null); };
    inst.createIntersectionObserver = function (options) { return new IntersectionObserver(id, null, options); };
    inst.selectComponent = function (selector) { return selectComponents(id, null, selector)[0] || null; };
    inst.selectAllComponents = function (selector) { return selectComponents(id, null, selector); };
    // The page that opened this one with navigateTo talks to it through this channel.
    var opener = channel ? channel.opened : eventChannel().opened;
    inst.getOpenerEventChannel = function () { return opener; };
    addDataMethods(inst, id, null, null);
    var record = { inst: inst, path: path, tab: tabPaths().indexOf(path) >= 0, ready: false };
    pages.set(id, record);
    if (record.tab) aliveTabs.set(path, id);
    sendWith({ kind: 'pageCreated', page: id, path: path, query: query }, { data: viewJson(inst.data, 'the data of ' + path) });
    // The page is already current in its onLoad (getCurrentPages() includes it).
    stack.push(id);
    withRoute(path, function () {
      hook(inst, 'onLoad', [query]);
      hook(inst, 'onShow');
    });
    return id;
  }

  function pageComponents(id) {
    var found = [];
    components.forEach(function (record) {
      if (record.page === id) found.push(record);
    });
    return found;
  }

  function showPage(id) {
    var record = pages.get(id);
    withRoute(record.path, function () {
      hook(record.inst, 'onShow');
      pageComponents(id).forEach(function (c) { runPageLifetime(c, 'show'); });
    });
  }

  function hidePage(id) {
    var record = pages.get(id);
    withRoute(record.path, function () {
      hook(record.inst, 'onHide');
      pageComponents(id).forEach(function (c) { runPageLifetime(c, 'hide'); });
    });
  }

  function unloadPage(id) {
    var record = pages.get(id);
    withRoute(record.path, function () {
      hook(record.inst, 'onUnload');
      pageComponents(id).forEach(function (c) { unmount(c.id); });
    });
    pages.delete(id);
    if (aliveTabs.get(record.path) === id) aliveTabs.delete(record.path);
    // The page's observers and unanswered queries go with it.
    [observers, pendingQueries].forEach(function (table) {
      table.forEach(function (entry, key) { if (entry.page === id) table.delete(key); });
    });
    native.send({ kind: 'pageDestroyed', page: id });
  }

  function top() {
    return stack[stack.length - 1];
  }

  function sendStack() {
    native.send({ kind: 'stack', pages: stack.slice() });
  }

  function isTab(path) {
    return tabPaths().indexOf(path) >= 0;
  }

  // Changes the page stack; throws (changing nothing) when the route is not allowed.
  function route(action) {
    var target = action.url === undefined ? null : parseUrl(action.url);
    var declared = declaredPages();
    if (target && declared.length && declared.indexOf(target.path) < 0) {
      throw new Error('page "' + target.path + '" is not found in app.json');
    }
    switch (action.action) {
      case 'navigateTo':
        if (isTab(target.path)) throw new Error('navigateTo cannot open tab page ' + target.path + '; use switchTab');
        if (stack.length >= MAX_STACK) throw new Error('the page stack is full (' + MAX_STACK + ' pages)');
        definitionOf('page', target.path);
        if (stack.length) hidePage(top());
        openPage(target.path, target.query, action.channel);
        break;
      case 'redirectTo':
        if (isTab(target.path)) throw new Error('redirectTo cannot open tab page ' + target.path + '; use switchTab');
        definitionOf('page', target.path);
        if (stack.length) unloadPage(stack.pop());
        openPage(target.path, target.query);
        break;
      case 'navigateBack':
        var count = Math.min(Math.max(Number(action.delta) || 1, 1), stack.length - 1);
        if (count < 1) throw new Error('navigateBack: already at the first page');
        for (var i = 0; i < count; i++) unloadPage(stack.pop());
        showPage(top());
        break;
      case 'switchTab':
        if (!isTab(target.path)) throw new Error('switchTab: ' + target.path + ' is not a tab page');
        definitionOf('page', target.path);
        var current = top();
        while (stack.length) {
          var id = stack.pop();
          var record = pages.get(id);
          if (record.tab) {
            if (id === current && record.path !== target.path) hidePage(id);
          } else {
            unloadPage(id);
          }
        }
        var kept = aliveTabs.get(target.path);
        if (kept === undefined) {
          openPage(target.path, target.query);
        } else {
          stack.push(kept);
          if (kept !== current) showPage(kept);
        }
        break;
      case 'reLaunch':
        definitionOf('page', target.path);
        while (stack.length) unloadPage(stack.pop());
        Array.from(aliveTabs.values()).forEach(unloadPage);
        openPage(target.path, target.query);
        break;
      default:
        throw new Error('unknown route action ' + action.action);
    }
    sendStack();
  }

  function tryRoute(action) {
    try {
      route(action);
      return null;
    } catch (e) {
      var message = e instanceof Error ? e.message : String(e);
      log('error', [action.action + ' failed: ' + message]);
      native.send({ kind: 'routeFailed', message: message });
      return message;
    }
  }

  function launch(command) {
    appJson = readAppJson();
    var entry = command.path || appJson.entryPagePath || (appJson.pages || [])[0];
    launchOptions = { path: entry, query: command.query || {}, scene: command.scene || 0 };
    var file = native.resolve('/app.js', 'app.js');
    if (file !== null) {
      try {
        loadModule(file);
      } catch (e) {
        reportError(describe(e));
      }
    }
    hook(app, 'onLaunch', [clone(launchOptions)]);
    hook(app, 'onShow', [clone(launchOptions)]);
    appEvent('show', clone(launchOptions));
    if (!entry) {
      reportError('app.json lists no pages');
      return;
    }
    var url = '/' + String(entry).replace(/^\//, '');
    var query = Object.keys(launchOptions.query)
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(launchOptions.query[k]); })
      .join('&');
    tryRoute({ action: isTab(entry.replace(/^\//, '')) ? 'switchTab' : 'reLaunch', url: query ? url + '?' + query : url });
  }

  // ---- components --------------------------------------------------------------------
  var components = new Map();

  // ---- WeChat properties: `name: Type` or `{type, optionalTypes, value, observer}`.
  // The type's default when no `value` is given (null for Object and untyped properties).
  function typeDefault(type) {
    switch (type) {
      case String: return '';
      case Number: return 0;
      case Boolean: return false;
      case Array: return [];
      default: return null;
    }
  }

  // A property definition in its full form; an untyped property with optionalTypes takes
  // the first of them as its type.
  function propertyOf(spec) {
    var full = spec !== null && typeof spec === 'object';
    var optionalTypes = full && Array.isArray(spec.optionalTypes) ? spec.optionalTypes : [];
    var type = full ? spec.type : spec;
    if ((type === null || type === undefined) && optionalTypes.length) type = optionalTypes[0];
    return {
      type: type,
      optionalTypes: optionalTypes,
      value: full && spec.value !== undefined ? spec.value : typeDefault(type),
      observer: full ? spec.observer : undefined,
    };
  }

  function isOfType(type, value) {
    switch (type) {
      case String: return typeof value === 'string';
      case Number: return Number.isFinite(value);
      case Boolean: return typeof value === 'boolean';
      case Array: return Array.isArray(value);
      case Object: return typeof value === 'object' && !Array.isArray(value);
      default: return value !== undefined;
    }
  }

  // The value a property takes when given `value`, as the platform converts it: a value of
  // one of its optionalTypes stays; otherwise String(v), Number(v), Boolean(v), an array or
  // object kept as it is, and what cannot be converted (null, a non-numeric string for a
  // Number, a non-array for an Array ...) becomes the type's default.
  function coerce(property, value) {
    if (property.optionalTypes.some(function (type) { return isOfType(type, value); })) return value;
    switch (property.type) {
      case String: return value === null || value === undefined ? '' : String(value);
      case Number: return isFinite(value) ? Number(value) : 0;
      case Boolean: return !!value;
      case Array: return Array.isArray(value) ? value : [];
      case Object: return typeof value === 'object' ? value : null;
      default: return value === undefined ? null : value;
    }
  }

  function ownerOf(command) {
    if (command.owner !== null && command.owner !== undefined && components.has(command.owner)) {
      return components.get(command.owner).inst;
    }
    return pages.has(command.page) ? pages.get(command.page).inst : null;
  }

  // Merges Alipay mixins / WeChat behaviors (depth first, the component last); one included
  // more than once counts once, where it first appears.
  function flatten(definition, key) {
    var seen = [];
    var parts = [];
    (function add(part) {
      seen.push(part);
      (part[key] || []).forEach(function (inner) {
        if (inner && typeof inner === 'object' && seen.indexOf(inner) < 0) add(inner);
      });
      parts.push(part);
    })(definition);
    return parts;
  }

  function lifecycle(parts, name) {
    return parts
      .map(function (part) { return (part.lifetimes && part.lifetimes[name]) || part[name]; })
      .filter(function (fn) { return typeof fn === 'function'; });
  }

  // WeChat `pageLifetimes[name]` of every behavior and the component (none overrides another).
  function pageLifetimes(parts, name) {
    return parts
      .map(function (part) { return part.pageLifetimes && part.pageLifetimes[name]; })
      .filter(function (fn) { return typeof fn === 'function'; });
  }

  function runPageLifetime(record, name) {
    pageLifetimes(record.parts, name).forEach(function (fn) { guard(fn, record.inst); });
  }

  function mount(command) {
    var definition = definitionOf('component', command.path);
    var parts = flatten(definition, wechat ? 'behaviors' : 'mixins');
    var owner = ownerOf(command);
    var id = command.component;
    var inst = { is: command.path, $id: id, $page: pages.has(command.page) ? pages.get(command.page).inst : null };
    var data = {};
    var methods = {};
    var observers = [];
    var propertySpecs = {};
    var relations = {};
    parts.forEach(function (part) {
      Object.assign(relations, part.relations || {});
      Object.assign(data, clone(part.data || {}));
      Object.assign(methods, part.methods || {});
      Object.assign(propertySpecs, part.properties || part.props || {});
      for (var expr in part.observers || {}) {
        try {
          observers.push({ fields: observerFields(expr), fn: part.observers[expr] });
        } catch (e) {
          reportError(command.path + ': ' + e.message);
        }
      }
    });
    Object.assign(inst, methods);
    var record = {
      id: id, page: command.page, inst: inst, parts: parts, observers: observers,
      propertySpecs: propertySpecs, properties: Object.create(null), given: Object.create(null),
      owner: owner, relations: relations, links: [],
      host: command.host || {}, ownerComponent: command.owner === undefined ? null : command.owner,
    };
    if (wechat) {
      for (var name in propertySpecs) {
        record.properties[name] = propertyOf(propertySpecs[name]);
        data[name] = clone(record.properties[name].value);
      }
      inst.data = data;
      inst.properties = data;
      inst.triggerEvent = function (name, detail, options) {
        options = options || {};
        sendWith({
          kind: 'componentEvent', component: id, name: String(name),
          bubbles: options.bubbles === true, composed: options.composed === true,
        }, { detail: viewJson(detail, 'triggerEvent: the detail of "' + name + '"') });
      };
      inst.createSelectorQuery = function () { return new SelectorQuery(command.page, id); };
      inst.createIntersectionObserver = function (options) { return new IntersectionObserver(command.page, id, options); };
      inst.selectComponent = function (selector) { return selectComponents(command.page, id, selector)[0] || null; };
      inst.selectAllComponents = function (selector) { return selectComponents(command.page, id, selector); };
      inst.selectOwnerComponent = function () { return owner; };
      inst.getRelationNodes = function (key) {
        return record.links
          .filter(function (link) { return link.key === key; })
          .map(function (link) { return link.other.inst; });
      };
    } else {
      inst.data = data;
      inst.props = Object.assign(clone(propertySpecs), alipayProps(command.props, owner));
    }
    addDataMethods(inst, command.page, id, wechat ? function (changes, apply) { changeData(record, changes, apply); } : null);
    components.set(id, record);
    var route = pages.has(command.page) ? pages.get(command.page).path : currentRoute;
    withRoute(route, function () {
      if (wechat) {
        // created sees the definition's data; the parent's values are set before attached.
        lifecycle(parts, 'created').forEach(function (fn) { guard(fn, inst); });
        giveProperties(record, command.props || {});
        lifecycle(parts, 'attached').forEach(function (fn) { guard(fn, inst); });
        linkRelations(record, command.ancestors || []);
      } else {
        lifecycle(parts, 'onInit').forEach(function (fn) { guard(fn, inst); });
        lifecycle(parts, 'deriveDataFromProps').forEach(function (fn) { guard(fn, inst, [inst.props]); });
      }
      var options = definition.options || {};
      sendWith({
        kind: 'componentCreated', component: id,
        sharesPageStyles: options.addGlobalClass === true || options.styleIsolation === 'apply-shared' || options.styleIsolation === 'shared',
        virtualHost: wechat && options.virtualHost === true,
      }, { data: viewJson(templateData(record), 'the data of ' + command.path) });
      record.mounted = true;
      lifecycle(parts, wechat ? 'ready' : 'didMount').forEach(function (fn) { guard(fn, inst); });
      // Alipay `ref="saveRef"`: the owner's method receives the instance once it is mounted.
      var ref = command.props && command.props.ref;
      if (!wechat && typeof ref === 'string' && owner && typeof owner[ref] === 'function') guard(owner[ref], owner, [inst]);
    });
  }

  // What a new instance's template starts from. Alipay: the props' defaults (as `x` and
  // `props.x`; the view puts the parent's props over them) under the data.
  function templateData(record) {
    if (wechat) return record.inst.data;
    var defaults = clone(record.propertySpecs);
    return Object.assign({}, defaults, record.inst.data, { props: defaults });
  }

  // ---- selector queries: what the view reports about elements of a page -----------
  var pendingQueries = new Map();
  var nextQuery = 1;

  function SelectorQuery(page, component) {
    this._page = page;
    this._component = component;
    this._requests = [];
  }
  SelectorQuery.prototype.in = function (component) {
    if (component && components.has(component.$id)) this._component = component.$id;
    return this;
  };
  SelectorQuery.prototype.select = function (selector) { return new NodesRef(this, String(selector), false); };
  SelectorQuery.prototype.selectAll = function (selector) { return new NodesRef(this, String(selector), true); };
  SelectorQuery.prototype.selectViewport = function () { return new NodesRef(this, null, false); };
  SelectorQuery.prototype.exec = function (callback) {
    var id = nextQuery++;
    var requests = this._requests;
    this._requests = [];
    pendingQueries.set(id, {
      requests: requests, callback: callback, route: currentRoute, page: this._page, component: this._component,
    });
    native.send({
      kind: 'selectorQuery', page: this._page, component: this._component, queryId: id,
      requests: requests.map(function (r) { return { selector: r.selector, all: r.all, fields: r.fields }; }),
    });
    return this;
  };

  function NodesRef(query, selector, all) {
    this._query = query;
    this._selector = selector;
    this._all = all;
  }
  NodesRef.prototype.fields = function (fields, callback) {
    this._query._requests.push({ selector: this._selector, all: this._all, fields: fields || {}, callback: callback });
    return this._query;
  };
  NodesRef.prototype.boundingClientRect = function (callback) {
    return this.fields({ id: true, dataset: true, rect: true, size: true }, callback);
  };
  NodesRef.prototype.scrollOffset = function (callback) {
    return this.fields({ id: true, dataset: true, scrollOffset: true }, callback);
  };

  // ---- element contexts: calls on an element of a page (a video's play, a canvas's
  // drawing) made by the page host where it is drawn; each answers {ok, value | error}.
  var pendingElementCalls = new Map();
  var nextElementCall = 1;

  // The page and component an owner (`this` of a page or component, as the platforms'
  // create…Context(id, this) take it) stands for; without one, the page shown.
  function ownerScope(owner, api) {
    var id = owner && typeof owner === 'object' ? owner.$id : undefined;
    if (id !== undefined && components.has(id)) return { page: components.get(id).page, component: id };
    if (id !== undefined && pages.has(id)) return { page: id, component: null };
    return { page: shownPage(api), component: null };
  }

  // A CSS selector for the element whose attribute `name` is `value`.
  function attributeSelector(tag, name, value) {
    return tag + '[' + name + '="' + String(value).replace(/["\\]/g, '\\$&') + '"]';
  }

  // Calls `method` on the element `selector` finds in `scope` (its match number `index`, the
  // first by default); resolves with its answer.
  function callElement(scope, selector, method, args, index) {
    return new Promise(function (resolve, reject) {
      var id = nextElementCall++;
      pendingElementCalls.set(id, { resolve: resolve, reject: reject });
      native.send({
        kind: 'elementCall', page: scope.page, component: scope.component, callId: id,
        selector: selector, index: index || 0, method: method, args: args === undefined ? null : args,
      });
    });
  }

  function elementCallResult(command) {
    var call = pendingElementCalls.get(command.callId);
    if (!call) return;
    pendingElementCalls.delete(command.callId);
    if (command.ok) call.resolve(command.value);
    else call.reject(new Error(command.error));
  }

  // The platforms' {success, fail, complete} around a call's promise; `result` makes the
  // success answer from the call's value.
  function settleCallbacks(api, params, promise, result) {
    params = params && typeof params === 'object' ? params : {};
    var route = currentRoute;
    promise.then(function (value) {
      withRoute(route, function () {
        var answer = success(api, result ? result(value) : {});
        if (typeof params.success === 'function') guard(params.success, null, [answer]);
        if (typeof params.complete === 'function') guard(params.complete, null, [answer]);
      });
    }, function (error) {
      withRoute(route, function () {
        var answer = failure(api, { error: 3, errorMessage: String(error && error.message || error) });
        if (typeof params.fail === 'function') guard(params.fail, null, [answer]);
        if (typeof params.complete === 'function') guard(params.complete, null, [answer]);
      });
    });
  }

  // ---- animations: steps built in logic, played by the page host from the `animation`
  // attribute (`{actions: [{animates: [{type, args}], option}]}`, as `export()` gives).
  var ANIMATION_METHODS = [
    'opacity', 'backgroundColor', 'width', 'height', 'top', 'left', 'bottom', 'right',
    'rotate', 'rotateX', 'rotateY', 'rotateZ', 'rotate3d', 'scale', 'scaleX', 'scaleY', 'scaleZ',
    'scale3d', 'translate', 'translateX', 'translateY', 'translateZ', 'translate3d', 'skew',
    'skewX', 'skewY', 'matrix', 'matrix3d',
  ];

  function Animation(options) {
    options = options || {};
    this._defaults = {
      duration: options.duration === undefined ? 400 : Number(options.duration),
      timingFunction: options.timingFunction || 'linear',
      delay: Number(options.delay) || 0,
      transformOrigin: options.transformOrigin || '50% 50% 0',
    };
    this._current = [];
    this._steps = [];
  }
  ANIMATION_METHODS.forEach(function (name) {
    Animation.prototype[name] = function () {
      this._current.push({ type: name, args: Array.prototype.slice.call(arguments) });
      return this;
    };
  });
  Animation.prototype.step = function (options) {
    var o = Object.assign({}, this._defaults, options || {});
    this._steps.push({
      animates: this._current,
      option: {
        transition: { duration: Number(o.duration), timingFunction: o.timingFunction, delay: Number(o.delay) || 0 },
        transformOrigin: o.transformOrigin,
      },
    });
    this._current = [];
    return this;
  };
  Animation.prototype.export = function () {
    var actions = this._steps;
    this._steps = [];
    return { actions: actions };
  };

  // ---- intersection observers: the view reports elements crossing thresholds --------
  var observers = new Map();
  var nextObserver = 1;

  function IntersectionObserver(page, component, options) {
    this._page = page;
    this._component = component;
    this._options = options || {};
    this._relativeTo = null;
    this._margins = {};
    this._ids = [];
  }
  IntersectionObserver.prototype.relativeTo = function (selector, margins) {
    this._relativeTo = String(selector);
    this._margins = margins || {};
    return this;
  };
  IntersectionObserver.prototype.relativeToViewport = function (margins) {
    this._relativeTo = null;
    this._margins = margins || {};
    return this;
  };
  IntersectionObserver.prototype.observe = function (selector, callback) {
    var id = nextObserver++;
    var options = this._options;
    observers.set(id, { callback: callback, route: currentRoute, page: this._page });
    this._ids.push(id);
    native.send({
      kind: 'observeIntersection', page: this._page, component: this._component, observerId: id,
      request: {
        selector: String(selector), relativeTo: this._relativeTo, margins: this._margins,
        thresholds: Array.isArray(options.thresholds) ? options.thresholds : [0],
        initialRatio: Number(options.initialRatio) || 0, observeAll: options.observeAll === true,
      },
    });
    return this;
  };
  IntersectionObserver.prototype.disconnect = function () {
    this._ids.forEach(function (id) {
      observers.delete(id);
      native.send({ kind: 'disconnectIntersection', observerId: id });
    });
    this._ids = [];
  };

  function intersection(command) {
    var observer = observers.get(command.observerId);
    if (!observer || typeof observer.callback !== 'function') return;
    withRoute(observer.route, function () { guard(observer.callback, null, [command.entry]); });
  }

  // What turns the descriptions in a query's results into objects (a canvas node, an
  // element's context): functions of (scope, result) that replace fields of one result.
  var queryResultMakers = [];

  function selectorResult(command) {
    var query = pendingQueries.get(command.queryId);
    if (!query) return;
    pendingQueries.delete(command.queryId);
    var results = command.results || [];
    var scope = { page: query.page, component: query.component };
    results.forEach(function (result) {
      (Array.isArray(result) ? result : [result]).forEach(function (one) {
        if (one && typeof one === 'object') queryResultMakers.forEach(function (make) { make(scope, one); });
      });
    });
    withRoute(query.route, function () {
      query.requests.forEach(function (request, index) {
        if (typeof request.callback === 'function') guard(request.callback, null, [results[index]]);
      });
      if (typeof query.callback === 'function') guard(query.callback, null, [results]);
    });
  }

  // ---- WeChat relations: a component and the one around it (parent/child), or any one
  // around it (ancestor/descendant), linked when both declare the relation.

  // The relation of `record` that `other` satisfies with one of `types`, as {key, spec}.
  function relationTo(record, other, types) {
    for (var key in record.relations) {
      var spec = record.relations[key] || {};
      if (types.indexOf(spec.type) < 0) continue;
      var matches = spec.target
        ? other.parts.indexOf(spec.target) >= 0
        : String(native.resolve(key, record.inst.is + '.js') || '').replace(/\.js$/, '') === other.inst.is;
      if (matches) return { key: key, spec: spec };
    }
    return null;
  }

  function relationHook(record, relation, name, other) {
    var fn = relation.spec[name];
    if (typeof fn === 'function') guard(fn, record.inst, [other.inst]);
  }

  // Links a newly attached component to the instances around it (nearest first): for each
  // relation, the nearest one that declares the matching relation back.
  function linkRelations(record, ancestors) {
    var linked = {};
    ancestors.forEach(function (ancestorId, depth) {
      var ancestor = components.get(ancestorId);
      if (!ancestor) return;
      var up = relationTo(record, ancestor, depth === 0 ? ['parent', 'ancestor'] : ['ancestor']);
      if (!up || linked[up.key]) return;
      var down = relationTo(ancestor, record, depth === 0 ? ['child', 'descendant'] : ['descendant']);
      if (!down) return;
      linked[up.key] = true;
      ancestor.links.push({ key: down.key, spec: down.spec, other: record });
      record.links.push({ key: up.key, spec: up.spec, other: ancestor });
      relationHook(ancestor, down, 'linked', record);
      relationHook(record, up, 'linked', ancestor);
    });
  }

  function unlinkRelations(record) {
    record.links.splice(0).forEach(function (link) {
      var other = link.other;
      var back = other.links.filter(function (l) { return l.other === record; });
      other.links = other.links.filter(function (l) { return l.other !== record; });
      back.forEach(function (l) { relationHook(other, l, 'unlinked', record); });
      relationHook(record, link, 'unlinked', other);
    });
  }

  // ---- selectComponent: the instances a page or component template declares, by a
  // selector over their host elements (tag, #id, .class, compounds of those, `,` lists).
  function selectComponents(page, owner, selector) {
    var alternatives = String(selector).split(',').map(function (part) { return part.trim(); });
    var found = [];
    components.forEach(function (record) {
      if (record.page !== page || record.ownerComponent !== owner) return;
      if (alternatives.some(function (wanted) { return hostMatches(record.host, wanted); })) found.push(record.inst);
    });
    return found;
  }

  function hostMatches(host, selector) {
    if (!/^[\w-]*(?:[#.][\w-]+)*$/.test(selector) || !selector) return false;
    var classes = String(host.class || '').split(/\s+/);
    return (selector.match(/[#.]?[\w-]+/g) || []).every(function (part) {
      var name = part.slice(1);
      if (part.charAt(0) === '#') return host.id === name;
      // Classes inside a component's template carry its scope prefix (`scope--name`).
      if (part.charAt(0) === '.') return classes.some(function (c) { return c === name || c.slice(-name.length - 2) === '--' + name; });
      return host.tag === part;
    });
  }

  // Alipay passes handlers as props: the view sends the owner's method name.
  function alipayProps(props, owner) {
    var result = {};
    for (var key in props) {
      var value = props[key];
      if (/^(on|catch)[A-Z]/.test(key) && typeof value === 'string' && owner && typeof owner[value] === 'function') {
        result[key] = owner[value].bind(owner);
      } else {
        result[key] = value;
      }
    }
    return result;
  }

  // An observer expression ('a.b, list[0].x, obj.**, **') as fields {keys, wildcard}.
  function observerFields(expr) {
    return expr.split(',').map(function (text) {
      var field = text.trim();
      var wildcard = field === '**' || /\.\*\*$/.test(field);
      var base = field === '**' ? '' : field.replace(/\.\*\*$/, '');
      return { keys: base ? parsePath(base, 'observers') : [], wildcard: wildcard };
    });
  }

  // Whether setting the data at `path` touches observer field `field`: setting the field or
  // anything holding it does; setting something inside it only when it ends in '**'.
  function touches(field, path) {
    var common = Math.min(field.keys.length, path.length);
    for (var i = 0; i < common; i++) {
      if (String(field.keys[i]) !== String(path[i])) return false;
    }
    return path.length <= field.keys.length || field.wildcard;
  }

  // A function of a definition, or the name of one of the instance's methods.
  function callable(inst, fn) {
    return typeof fn === 'string' ? inst[fn] : fn;
  }

  // Changes a WeChat component's data: values of properties are converted to their types,
  // `apply` stores (and sends) the changes, then each observer a changed path touches runs
  // once (even when the values are equal), then the `observer` of each property whose value
  // is now different runs with (new, old).
  function changeData(record, changes, apply) {
    var inst = record.inst;
    var previous = [];
    changes.forEach(function (change) {
      var property = change.path.length === 1 ? record.properties[change.path[0]] : undefined;
      if (!property || !('value' in change)) return;
      change.value = coerce(property, change.value);
      previous.push({ name: change.path[0], old: inst.data[change.path[0]] });
    });
    apply();
    record.observers.forEach(function (observer) {
      var hit = observer.fields.some(function (field) {
        return changes.some(function (change) { return touches(field, change.path); });
      });
      var fn = callable(inst, observer.fn);
      if (!hit || typeof fn !== 'function') return;
      guard(fn, inst, observer.fields.map(function (field) { return getPath(inst.data, field.keys); }));
    });
    previous.forEach(function (entry) {
      var now = inst.data[entry.name];
      var fn = callable(inst, record.properties[entry.name].observer);
      if (now !== entry.old && typeof fn === 'function') guard(fn, inst, [now, entry.old]);
    });
  }

  // The properties a WeChat component's parent gives, when new or changed since it last gave
  // them: set as by setData. The view learns what they became (converted to their types),
  // which its template shows from then on instead of the parent's raw values.
  function giveProperties(record, props) {
    var changes = [];
    for (var name in props) {
      if (!record.properties[name]) continue;
      if (name in record.given && JSON.stringify(record.given[name]) === JSON.stringify(props[name])) continue;
      record.given[name] = props[name];
      changes.push({ path: [name], value: props[name] });
    }
    if (!changes.length) return;
    changeData(record, changes, function () {
      changes.forEach(function (change) { record.inst.data[change.path[0]] = change.value; });
    });
    if (record.mounted) {
      sendWith({ kind: 'setData', page: record.page, component: record.id, ackId: nextAck++ }, { changes: changesJson(changes) });
    }
  }

  function updateProps(command) {
    var record = components.get(command.component);
    if (!record) return;
    var inst = record.inst;
    var route = pages.has(record.page) ? pages.get(record.page).path : currentRoute;
    withRoute(route, function () {
      if (wechat) {
        giveProperties(record, command.props);
      } else {
        var nextProps = Object.assign(clone(record.propertySpecs), alipayProps(command.props, record.owner));
        var prevProps = inst.props;
        var prevData = Object.assign({}, inst.data);
        lifecycle(record.parts, 'deriveDataFromProps').forEach(function (fn) { guard(fn, inst, [nextProps]); });
        inst.props = nextProps;
        lifecycle(record.parts, 'didUpdate').forEach(function (fn) { guard(fn, inst, [prevProps, prevData]); });
      }
    });
  }

  function unmount(id) {
    var record = components.get(id);
    if (!record) return;
    components.delete(id);
    unlinkRelations(record);
    lifecycle(record.parts, wechat ? 'detached' : 'didUnmount').forEach(function (fn) { guard(fn, record.inst); });
  }

  // ---- events ------------------------------------------------------------------------
  function dispatchEvent(command) {
    var page = pages.get(command.page);
    if (!page) {
      log('warn', ['event ' + command.handler + ' for page ' + command.page + ', which is not open']);
      return answer(command.replyId, undefined);
    }
    var target = page.inst;
    if (command.component !== null && command.component !== undefined) {
      var record = components.get(command.component);
      target = record ? record.inst : null;
    }
    var handler = target && (target[command.handler] || (target.events && target.events[command.handler]));
    var result;
    withRoute(page.path, function () {
      if (typeof handler !== 'function') {
        log('warn', ['no handler "' + command.handler + '" on ' + (command.component == null ? 'page ' + page.path : 'component ' + command.component)]);
        return;
      }
      var event = command.event;
      if (event.mark === undefined || event.mark === null) delete event.mark;
      result = guard(handler, target, [event]);
    });
    answer(command.replyId, result);
  }

  function answer(replyId, value) {
    if (replyId === null || replyId === undefined) return;
    sendWith({ kind: 'eventReturn', replyId: replyId }, { value: viewJson(value, 'the value a handler returned') });
  }

  function pageHook(command) {
    var page = pages.get(command.page);
    if (!page) return answer(command.replyId, undefined);
    var inst = page.inst;
    var target = typeof inst[command.hook] === 'function' ? inst : inst.events;
    var args = command.arg === null || command.arg === undefined ? [] : [command.arg];
    var result = withRoute(page.path, function () { return hook(target, command.hook, args); });
    answer(command.replyId, result);
  }

  // ---- my / wx -----------------------------------------------------------------------
  var apiNamespace = wechat ? 'wx' : 'my';
  var pendingCalls = new Map();
  var nextCall = 1;

  function failure(name, error) {
    var code = error && typeof error.error === 'number' ? error.error : 3;
    var message = code === 1 ? apiNamespace + '.' + name + ' is not supported' : String((error && error.errorMessage) || 'failed');
    return wechat ? { errMsg: name + ':fail ' + message, errno: code } : { error: code, errorMessage: message };
  }

  function success(name, value) {
    if (!wechat) return value;
    var result = value && typeof value === 'object' && !Array.isArray(value) ? Object.assign({}, value) : { data: value };
    result.errMsg = name + ':ok';
    return result;
  }

  function hasCallbacks(params) {
    return !!params && ['success', 'fail', 'complete'].some(function (k) { return typeof params[k] === 'function'; });
  }

  // The parameters of a call as native APIs take them: no callbacks, and values JSON cannot
  // carry as tagged objects (see `tagged`).
  function plainParams(params) {
    var plain = {};
    for (var key in params || {}) {
      if (typeof params[key] !== 'function') plain[key] = tagged(params[key], []);
    }
    return plain;
  }

  // Values JSON cannot carry cross to native APIs as tagged objects (capsule_jsapi::value),
  // as they do from H5 pages: a Date (storage keeps it) and an ArrayBuffer or typed-array
  // view. Objects holding one are copied, never changed; `ancestors` stops at cycles.
  var TYPE_TAG = '__capsuleType';
  function tagged(value, ancestors) {
    if (value instanceof Date) return { __capsuleType: 'Date', value: isNaN(value) ? null : value.toISOString() };
    if (value instanceof ArrayBuffer) return native.tagBuffer(value);
    if (ArrayBuffer.isView(value)) return native.tagBuffer(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    if (value === null || typeof value !== 'object' || ancestors.indexOf(value) >= 0) return value;
    ancestors.push(value);
    var copy = value;
    var keys = Object.keys(value);
    for (var i = 0; i < keys.length; i++) {
      var item = value[keys[i]];
      var converted = tagged(item, ancestors);
      if (converted === item) continue;
      if (copy === value) copy = Array.isArray(value) ? value.slice() : Object.assign({}, value);
      copy[keys[i]] = converted;
    }
    ancestors.pop();
    return copy;
  }

  // An answer of a native API with its tagged values made real again (`hasTags`: the host
  // found some, so answers without any are not walked).
  function untagged(value, hasTags) {
    if (!hasTags || value === null || typeof value !== 'object') return value;
    if (value[TYPE_TAG] === 'Date' && Object.keys(value).length === 2) return new Date(value.value === null ? NaN : value.value);
    if (value[TYPE_TAG] === 'ArrayBuffer') return native.untagBuffer(value);
    var keys = Object.keys(value);
    for (var i = 0; i < keys.length; i++) value[keys[i]] = untagged(value[keys[i]], true);
    return value;
  }

  // Settles a call with success/fail/complete, and its promise when it has no callbacks.
  // On a phone, windowHeight is the page area: the screen without the status and navigation
  // bars and, on tab pages, the tab bar (with the bottom safe-area inset under it). The host
  // gives their heights when it draws them.
  var PAGE_AREA_APIS = ['getSystemInfo', 'getSystemInfoSync', 'getWindowInfo'];
  function withPageArea(name, value) {
    var bars = native.bars;
    if (!bars || PAGE_AREA_APIS.indexOf(name) < 0 || !value || typeof value.screenHeight !== 'number') return value;
    var path = stack.length ? pages.get(top()).path : '';
    var navigationBar = underTitleBar(path) ? 0 : bars.navigationBar;
    value.windowHeight = Math.max(0, value.screenHeight - navigationBar - (isTab(path) ? bars.tabBar : 0));
    return value;
  }

  // Whether a page starts at the top of the screen: it draws its own navigation bar
  // (navigationStyle "custom") or Alipay's bar is transparent over it (transparentTitle
  // "always" / "auto"). From its own .json, else app.json's window (read once per page).
  var underTitleBars = new Map();
  function underTitleBar(path) {
    if (!underTitleBars.has(path)) underTitleBars.set(path, readUnderTitleBar(path));
    return underTitleBars.get(path);
  }

  function readUnderTitleBar(path) {
    var settings = appJson.window || {};
    var style = settings.navigationStyle;
    var transparent = settings.transparentTitle;
    var file = path ? native.resolve('/' + path + '.json', 'app.js') : null;
    if (file !== null) {
      try {
        var own = native.loadJson(file);
        if (own && typeof own.navigationStyle === 'string') style = own.navigationStyle;
        if (own && typeof own.transparentTitle === 'string') transparent = own.transparentTitle;
      } catch (e) {
        // A broken page .json is reported when the page renders.
      }
    }
    return style === 'custom' || transparent === 'always' || transparent === 'auto';
  }

  function settle(name, params, ok, value, promise) {
    if (params && typeof params.taskId === 'string') tasks.delete(params.taskId);
    if (ok) value = withPageArea(name, value);
    var result = ok ? success(name, value) : failure(name, value);
    if (ok) hook(params, 'success', [result]);
    else hook(params, 'fail', [result]);
    hook(params, 'complete', [result]);
    if (promise) (ok ? promise.resolve : promise.reject)(result);
  }

  // `run`, when given, does the call here and returns null or an error message; `okValue` is
  // then the success result.
  function callAsync(name, params, run, okValue) {
    params = params || {};
    var promise = null;
    var result;
    if (!hasCallbacks(params)) {
      result = new Promise(function (resolve, reject) { promise = { resolve: resolve, reject: reject }; });
    }
    var entry = { name: name, params: params, route: currentRoute, promise: promise };
    if (run) {
      Promise.resolve().then(function () {
        var error = run();
        withRoute(entry.route, function () {
          settle(name, params, error === null, error === null ? okValue || {} : { error: 3, errorMessage: error }, promise);
        });
      });
    } else {
      var id = nextCall++;
      pendingCalls.set(id, entry);
      native.invoke(name, plainParams(params), id);
    }
    return result;
  }

  function apiAnswer(id, ok, value, hasTags) {
    var entry = pendingCalls.get(id);
    if (!entry) return;
    pendingCalls.delete(id);
    value = untagged(value, hasTags);
    withRoute(entry.route, function () { settle(entry.name, entry.params, ok, value, entry.promise); });
  }

  // WeChat's positional sync storage forms, turned into the parameter objects of the APIs.
  // The app's own analytics events, positional in both dialects; they answer nothing.
  function analyticsEvent(eventName, data) { return { eventName: eventName, data: data }; }
  function nothing() { return undefined; }
  var syncArguments = Object.assign(
    { reportAnalytics: analyticsEvent },
    wechat
      ? {
          reportEvent: analyticsEvent,
          setStorageSync: function (key, data) { return { key: key, data: data }; },
          getStorageSync: function (key) { return { key: key }; },
          removeStorageSync: function (key) { return { key: key }; },
        }
      : {}
  );
  var syncResults = Object.assign(
    { reportAnalytics: nothing },
    wechat
      ? { reportEvent: nothing, getStorageSync: function (value) { return value && 'data' in value ? value.data : ''; } }
      : {}
  );

  // ---- request / uploadFile / downloadFile hand back a task: abort() and progress ------
  var TASK_APIS = ['request', 'uploadFile', 'downloadFile'];
  var tasks = new Map();
  var nextTask = 1;

  function callTask(name, params) {
    params = Object.assign({}, params || {});
    var taskId = typeof params.taskId === 'string' ? params.taskId : 'logic-task-' + nextTask++;
    params.taskId = taskId;
    var record = { progress: [] };
    var task = {
      abort: function () { callAsync('abortTask', { taskId: taskId, fail: function () {} }); },
      onProgressUpdate: function (listener) { if (typeof listener === 'function') record.progress.push(listener); },
      offProgressUpdate: function (listener) {
        record.progress = listener === undefined ? [] : record.progress.filter(function (l) { return l !== listener; });
      },
      // Headers arrive with the response here; nothing is reported earlier.
      onHeadersReceived: function () {},
      offHeadersReceived: function () {},
    };
    tasks.set(taskId, record);
    var promise = callAsync(name, params);
    // Without callbacks the call is also a promise of its result.
    return promise ? Object.assign(promise, task) : task;
  }

  function nativeEvent(command) {
    var data = command.data || {};
    switch (command.name) {
      case 'taskProgress': return taskProgress(data);
      case 'updateCheck': return updateEvent('check', { hasUpdate: data.hasUpdate === true });
      case 'updateReady': return updateEvent('ready');
      case 'updateFailed': return updateEvent('failed');
      case 'audio': return audioEvent(data);
      default: return undefined;
    }
  }

  function taskProgress(data) {
    var task = tasks.get(data.taskId);
    if (!task) return;
    // {progress, totalBytesWritten, totalBytesExpectedToWrite} (Sent / ToSend for uploads)
    var update = Object.assign({}, data);
    delete update.taskId;
    delete update.api;
    task.progress.slice().forEach(function (listener) { guard(listener, null, [update]); });
  }

  // APIs that answer synchronously although their names do not end in Sync.
  var SYNC_WITHOUT_SUFFIX = ['getWindowInfo', 'getDeviceInfo', 'getAppBaseInfo', 'getMenuButtonBoundingClientRect', 'reportAnalytics', 'reportEvent'];

  // The bridge's "no such API" code.
  var API_NOT_FOUND = 1;

  // `xSync(...)` runs API `xSync`, or else `x`, and blocks the logic thread for the answer.
  function callSync(name, args) {
    var api = name.slice(-4) === 'Sync' ? name.slice(0, -4) : name;
    var params = syncArguments[name] ? syncArguments[name].apply(null, args) : args[0];
    // The native side may answer the sync form itself (WeChat getStorageSync gives '' for a
    // missing key where getStorage fails); otherwise the API without the suffix answers.
    var answer = native.invokeSync(name, plainParams(params));
    if (!answer.ok && answer.value && answer.value.error === API_NOT_FOUND) {
      answer = native.invokeSync(api, plainParams(params));
    }
    if (!answer.ok) {
      var error = failure(name, answer.value);
      throw new Error(wechat ? error.errMsg : name + ': ' + error.errorMessage);
    }
    var value = withPageArea(name, untagged(answer.value, answer.hasTags));
    return syncResults[name] ? syncResults[name](value) : value;
  }

  // The page on top of the stack, which a layout API without a page or component asks about.
  function shownPage(api) {
    if (!stack.length) throw new Error(apiNamespace + '.' + api + ' needs an open page');
    return top();
  }

  function appEvent(kind, arg) {
    appListeners[kind].slice().forEach(function (listener) { guard(listener, null, arg === undefined ? [] : [arg]); });
  }

  function listen(kind) {
    return function (listener) {
      if (typeof listener === 'function') appListeners[kind].push(listener);
    };
  }

  function unlisten(kind) {
    return function (listener) {
      appListeners[kind] = listener === undefined ? [] : appListeners[kind].filter(function (l) { return l !== listener; });
    };
  }

  // The update manager, one per app as on both platforms. The host's updater reports what it
  // found (native events `updateCheck` {hasUpdate}, `updateReady`, `updateFailed`); without
  // an updater (an app folder in developer mode) nothing is ever reported. What has been
  // reported is kept: apps add their listeners in onLaunch, when the check may be over, so a
  // listener added later still hears the latest report, once, from a timer.
  var updates = {
    reported: { check: null, ready: null, failed: null },
    listeners: { check: [], ready: [], failed: [] },
  };

  // The callbacks' argument: {hasUpdate} for a check, nothing for the others.
  function updateArgs(kind) {
    var report = updates.reported[kind];
    return kind === 'check' ? [clone(report)] : [];
  }

  function updateEvent(kind, report) {
    // A download means the check found a version, whether or not the host said so first.
    if (kind !== 'check' && !updates.reported.check) updateEvent('check', { hasUpdate: true });
    updates.reported[kind] = report || {};
    updates.listeners[kind].slice().forEach(function (listener) { guard(listener, null, updateArgs(kind)); });
  }

  function onUpdate(kind) {
    return function (listener) {
      if (typeof listener !== 'function') return;
      updates.listeners[kind].push(listener);
      if (updates.reported[kind]) setTimeout(function () { guard(listener, null, updateArgs(kind)); }, 0);
    };
  }

  var theUpdateManager = {
    onCheckForUpdate: onUpdate('check'),
    onUpdateReady: onUpdate('ready'),
    onUpdateFailed: onUpdate('failed'),
    // Restarts the app on the downloaded version (the session does it); before onUpdateReady
    // there is nothing to apply.
    applyUpdate: function () {
      if (!updates.reported.ready) {
        log('warn', ['applyUpdate: no new version is ready; wait for onUpdateReady']);
        return;
      }
      native.send({ kind: 'applyUpdate' });
    },
  };

  function updateManager() {
    return theUpdateManager;
  }

  // FileSystemManager: its methods are the native file APIs of the same names (files.rs), so
  // what the host lacks fails with code 1 as any missing API does. WeChat's sync forms take
  // positional arguments and return one field of the result; Alipay's take and return objects.
  var FS_SYNC_ARGUMENTS = {
    readFile: ['filePath', 'encoding', 'position', 'length'],
    writeFile: ['filePath', 'data', 'encoding'],
    copyFile: ['srcPath', 'destPath'],
    access: ['path'],
    mkdir: ['dirPath', 'recursive'],
    readdir: ['dirPath'],
    unlink: ['filePath'],
    stat: ['path', 'recursive'],
    saveFile: ['tempFilePath', 'filePath'],
  };
  var FS_SYNC_RESULTS = { readFile: 'data', readdir: 'files', stat: 'stats', saveFile: 'savedFilePath' };

  // A result's `stats` as the platforms hand it out: with isFile() and isDirectory().
  function withStats(result) {
    var raw = result && result.stats;
    if (!raw || typeof raw !== 'object') return result;
    var stats = Object.assign({}, raw);
    stats.isFile = function () { return raw.isFile === true; };
    stats.isDirectory = function () { return raw.isDirectory === true; };
    result.stats = stats;
    return result;
  }

  function fsMethod(name) {
    return function (params) {
      params = Object.assign({}, params || {});
      var success = params.success;
      if (typeof success === 'function') params.success = function (result) { return success.call(this, withStats(result)); };
      var promise = callAsync(name, params);
      return promise && promise.then(withStats);
    };
  }

  function fsSyncMethod(name) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      var params = args[0];
      if (wechat) {
        params = {};
        (FS_SYNC_ARGUMENTS[name] || []).forEach(function (key, i) { if (args[i] !== undefined) params[key] = args[i]; });
      }
      var result = withStats(callSync(name + 'Sync', [params]));
      if (!wechat) return result;
      return FS_SYNC_RESULTS[name] && result ? result[FS_SYNC_RESULTS[name]] : undefined;
    };
  }

  var fileSystemManager = new Proxy({}, {
    get: function (target, key) {
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
      if (!target[key]) target[key] = /Sync$/.test(key) ? fsSyncMethod(key.replace(/Sync$/, '')) : fsMethod(key);
      return target[key];
    },
  });

  // Framework features libraries probe with canIUse: Alipay's component2 is the component
  // model with onInit, deriveDataFromProps and didUpdate (antd-mini refuses to run without).
  var FEATURES = wechat ? [] : ['component2'];

  var own = {
    SDKVersion: '2.0.0',
    // After the current work, before any timer.
    nextTick: function (callback) {
      if (typeof callback === 'function') Promise.resolve().then(function () { guard(callback, null); });
    },
    getLaunchOptionsSync: function () { return clone(launchOptions); },
    getEnterOptionsSync: function () { return clone(launchOptions); },
    onAppShow: listen('show'),
    offAppShow: unlisten('show'),
    onAppHide: listen('hide'),
    offAppHide: unlisten('hide'),
    onError: listen('error'),
    offError: unlisten('error'),
    onMemoryWarning: listen('memoryWarning'),
    offMemoryWarning: unlisten('memoryWarning'),
    getUpdateManager: updateManager,
    getFileSystemManager: function () { return fileSystemManager; },
    // On the page shown now; `this.createSelectorQuery()` in a page or component is theirs.
    createSelectorQuery: function () { return new SelectorQuery(shownPage('createSelectorQuery'), null); },
    createAnimation: function (options) { return new Animation(options); },
    // WeChat passes the page or component first (`wx.createIntersectionObserver(this, options)`).
    createIntersectionObserver: function (owner, options) {
      if (owner && typeof owner.createIntersectionObserver === 'function') return owner.createIntersectionObserver(options);
      return new IntersectionObserver(shownPage('createIntersectionObserver'), null, owner);
    },
    navigateTo: function (p) { return routeApi('navigateTo', p); },
    redirectTo: function (p) { return routeApi('redirectTo', p); },
    navigateBack: function (p) { return routeApi('navigateBack', p); },
    switchTab: function (p) { return routeApi('switchTab', p); },
    reLaunch: function (p) { return routeApi('reLaunch', p); },
    // Synchronous on both platforms: the framework's features, the logic layer's own APIs,
    // then the native registry.
    canIUse: function (name) {
      var wanted = String(name).replace(/^(my|wx)\./, '');
      if (FEATURES.indexOf(wanted) >= 0) return true;
      var api = wanted.split('.')[0];
      if (Object.prototype.hasOwnProperty.call(own, api)) return true;
      var answer = native.invokeSync('canIUse', { name: String(name) });
      return answer.ok && answer.value.canIUse === true;
    },
  };

  // The log managers: each call's arguments, formatted as console.log formats them, become
  // one line of the app's log in the analytics journal (`writeLog`). A line over the
  // manager's limit is refused with a console warning, never cut short.
  function logManager(factory, realtime) {
    var filters = [];
    var page = null;
    function writer(level) {
      return function () {
        var params = {
          level: level,
          message: Array.prototype.map.call(arguments, inspect).join(' '),
          realtime: realtime,
          page: page || currentRoute || '',
        };
        if (filters.length) params.filters = filters.slice();
        var answer = native.invokeSync('writeLog', params);
        if (!answer.ok) {
          log('warn', [apiNamespace + '.' + factory + '().' + level + ' refused: ' + String(answer.value && answer.value.errorMessage)]);
        }
      };
    }
    if (!realtime) return { debug: writer('debug'), info: writer('info'), log: writer('log'), warn: writer('warn') };
    return {
      debug: writer('debug'),
      info: writer('info'),
      warn: writer('warn'),
      error: writer('error'),
      setFilterMsg: function (msg) { if (typeof msg === 'string') filters = [msg]; },
      addFilterMsg: function (msg) { if (typeof msg === 'string') filters.push(msg); },
      // The page the lines are about (a page instance), instead of the one shown.
      in: function (pageInstance) { page = pageInstance && typeof pageInstance.route === 'string' ? pageInstance.route : null; },
    };
  }
  own.getLogManager = function () { return logManager('getLogManager', false); };
  own.getRealtimeLogManager = function () { return logManager('getRealtimeLogManager', true); };

  // The objects create…Context hands back (contexts/*.js, joined in here by the engine).
  //@contexts

  // Routes run after the calling handler returns, as on the real platforms.
  function routeApi(action, params) {
    params = params || {};
    // navigateTo's `events` listen on the opener's end of a channel to the new page.
    var channel = action === 'navigateTo' ? eventChannel() : null;
    var events = params.events && typeof params.events === 'object' ? params.events : {};
    Object.keys(events).forEach(function (name) { if (channel) channel.opener.on(name, events[name]); });
    return callAsync(action, params, function () {
      var started = Date.now();
      var error = tryRoute({ action: action, url: params.url, delta: params.delta, channel: channel });
      native.send({ kind: 'apiAnswered', api: action, code: error === null ? 0 : 3, durationMs: Date.now() - started });
      return error;
    }, channel ? { eventChannel: channel.opener } : {});
  }

  // Two ends of a channel between a page and the page it opened: what one end emits, the
  // other end's listeners get (WeChat EventChannel).
  function eventChannel() {
    function end() {
      return {
        listeners: [],
        on: function (name, fn) { if (typeof fn === 'function') this.listeners.push({ name: name, fn: fn, once: false }); },
        once: function (name, fn) { if (typeof fn === 'function') this.listeners.push({ name: name, fn: fn, once: true }); },
        off: function (name, fn) {
          this.listeners = this.listeners.filter(function (l) { return l.name !== name || (fn !== undefined && l.fn !== fn); });
        },
      };
    }
    var opener = end();
    var opened = end();
    function link(from, to) {
      from.emit = function (name) {
        var args = Array.prototype.slice.call(arguments, 1);
        var hits = to.listeners.filter(function (l) { return l.name === name; });
        to.listeners = to.listeners.filter(function (l) { return !(l.name === name && l.once); });
        hits.forEach(function (l) { guard(l.fn, null, args); });
      };
    }
    link(opener, opened);
    link(opened, opener);
    return { opener: opener, opened: opened };
  }

  // What a factory API this container does not have (`create…Context`, `get…Manager`)
  // hands back: an object whose calls fail as the platforms fail an API they lack, through
  // `fail` and `complete` and the object's `onError` listeners, after the calling code has
  // run; never a throw that stops it. Other `on…`/`off…` calls register nothing.
  function unsupportedObject(factory) {
    log('warn', [apiNamespace + '.' + factory + ' is not supported here: calls on what it returns fail']);
    var errorListeners = [];
    var route = currentRoute;
    function fail(params) {
      Promise.resolve().then(function () {
        withRoute(route, function () {
          var callbacks = params && typeof params === 'object' ? [params.fail, params.complete] : [];
          callbacks.concat(errorListeners).forEach(function (listener) {
            if (typeof listener === 'function') guard(listener, null, [failure(factory, { error: API_NOT_FOUND })]);
          });
        });
      });
    }
    var methods = {};
    return new Proxy({}, {
      get: function (target, key) {
        if (key in target) return target[key];
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        if (!methods[key]) {
          methods[key] = key === 'onError'
            ? function (listener) { if (typeof listener === 'function') errorListeners.push(listener); }
            : key === 'offError'
              ? function (listener) {
                  errorListeners = listener === undefined ? [] : errorListeners.filter(function (l) { return l !== listener; });
                }
              : /^(on|off)[A-Z]/.test(key) ? function () {} : fail;
        }
        return methods[key];
      },
    });
  }

  var api = new Proxy(own, {
    get: function (target, key) {
      if (key in target) return target[key];
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
      // These hand back an object to drive (a player, a canvas, a recorder): none here. Not
      // kept in `own`, which canIUse reads.
      if (/^create[A-Z]|^get\w*(Manager|Context)$/.test(key)) return function () { return unsupportedObject(key); };
      var fn = /Sync$/.test(key) || SYNC_WITHOUT_SUFFIX.indexOf(key) >= 0
        ? function () { return callSync(key, Array.prototype.slice.call(arguments)); }
        : TASK_APIS.indexOf(key) >= 0
          ? function (params) { return callTask(key, params); }
          : function (params) { return callAsync(key, params); };
      target[key] = fn;
      return fn;
    },
  });
  Object.defineProperty(global, apiNamespace, { value: api, writable: true, configurable: true });

  // ---- entry points for the event loop -----------------------------------------------
  function command(cmd) {
    switch (cmd.kind) {
      case 'launch': return launch(cmd);
      case 'enterBackground':
        if (stack.length) hidePage(top());
        hook(app, 'onHide');
        return appEvent('hide');
      case 'enterForeground':
        hook(app, 'onShow', [clone(launchOptions)]);
        appEvent('show', clone(launchOptions));
        if (stack.length) showPage(top());
        return undefined;
      case 'route':
        // The host names pages from the package root, with or without the leading '/'.
        if (typeof cmd.url === 'string' && cmd.url && cmd.url.charAt(0) !== '/') cmd.url = '/' + cmd.url;
        return tryRoute(cmd);
      case 'pageReady':
        var page = pages.get(cmd.page);
        if (page && !page.ready) {
          page.ready = true;
          withRoute(page.path, function () { hook(page.inst, 'onReady'); });
        }
        return undefined;
      case 'pageHook': return pageHook(cmd);
      case 'event': return dispatchEvent(cmd);
      case 'setDataAck': return setDataAck(cmd.ackId);
      case 'selectorResult': return selectorResult(cmd);
      case 'elementCallResult': return elementCallResult(cmd);
      case 'nativeEvent': return nativeEvent(cmd);
      case 'intersection': return intersection(cmd);
      case 'mountComponent':
        try {
          return mount(cmd);
        } catch (e) {
          return reportError(describe(e));
        }
      case 'updateProps': return updateProps(cmd);
      case 'unmountComponent': return unmount(cmd.component);
      default: return log('warn', ['unknown logic command ' + cmd.kind]);
    }
  }

  Object.defineProperty(global, '__capsule', {
    value: {
      command: command,
      fireTimer: fireTimer,
      apiAnswer: apiAnswer,
      reportError: reportError,
      // What a CommonJS file exports, for an ES module importing it.
      requireFile: function (path) { return loadModule(path).exports; },
      // `require` inside ES module `path`.
      requireFrom: makeRequire,
      // The host's memory warning: {level} as both platforms give it.
      memoryWarning: function (level) { appEvent('memoryWarning', { level: level }); },
    },
  });
})(globalThis);
