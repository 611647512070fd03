  // ---- media: the video context, and audio players that outlive pages --------------
  // (Inserted into prelude.js at its //@contexts line: it uses the prelude's helpers.)

  // wx.createVideoContext(id, this) / my.createVideoContext(id): the <video> with that id
  // on the page (or in the component `this` is), driven where the page host draws it.
  own.createVideoContext = function (id, owner) {
    return videoContext(ownerScope(owner, 'createVideoContext'), attributeSelector('video', 'id', id));
  };
  // The video context of the element `selector` finds in `scope` (its match number `index`;
  // also a query's `context`).
  function videoContext(scope, selector, index) {
    function call(method, args) {
      callElement(scope, selector, method, args, index).catch(function (error) {
        log('warn', ['VideoContext.' + method + ': ' + error.message]);
      });
    }
    var context = {};
    ['play', 'pause', 'stop', 'exitFullScreen', 'showStatusBar', 'hideStatusBar', 'exitPictureInPicture']
      .forEach(function (method) { context[method] = function () { call(method); }; });
    context.seek = function (position) { call('seek', Number(position) || 0); };
    context.playbackRate = function (rate) { call('playbackRate', Number(rate) || 1); };
    context.mute = function (muted) { call('mute', muted !== false); };
    context.requestFullScreen = function (options) { call('requestFullScreen', options || {}); };
    context.sendDanmu = function (danmu) { call('sendDanmu', danmu || {}); };
    return context;
  }

  // createInnerAudioContext: a player the page host keeps for the app (it plays on while
  // pages change). Its state comes back with each event it reports.
  var audioPlayers = new Map();
  var nextAudio = 1;
  var AUDIO_EVENTS = ['Canplay', 'Play', 'Pause', 'Stop', 'Ended', 'TimeUpdate', 'Error', 'Waiting', 'Seeking', 'Seeked'];
  // A package path as the page host's document loads it: from the package root.
  function audioSource(src) {
    var text = src === undefined || src === null ? '' : String(src);
    return text === '' || /^[a-z][a-z0-9+.-]*:/i.test(text) || text.charAt(0) === '/' ? text : '/' + text;
  }
  own.createInnerAudioContext = function () {
    var id = nextAudio++;
    var listeners = {};
    AUDIO_EVENTS.forEach(function (name) { listeners[name.toLowerCase()] = []; });
    var settings = { src: '', startTime: 0, autoplay: false, loop: false, obeyMuteSwitch: true, volume: 1, playbackRate: 1 };
    var state = { duration: 0, currentTime: 0, paused: true, buffered: 0 };
    var destroyed = false;
    function send(method, args) {
      if (!destroyed) native.send({ kind: 'audioCall', audioId: id, method: method, args: args === undefined ? null : args });
    }
    var player = {
      play: function () { send('play'); },
      pause: function () { send('pause'); },
      stop: function () { send('stop'); },
      seek: function (position) { send('seek', Number(position) || 0); },
      destroy: function () {
        send('destroy');
        destroyed = true;
        audioPlayers.delete(id);
      },
    };
    Object.keys(settings).forEach(function (name) {
      Object.defineProperty(player, name, {
        enumerable: true,
        get: function () { return settings[name]; },
        set: function (value) {
          settings[name] = name === 'src' ? String(value === undefined || value === null ? '' : value) : value;
          var change = {};
          change[name] = name === 'src' ? audioSource(value) : value;
          send('set', change);
        },
      });
    });
    Object.keys(state).forEach(function (name) {
      Object.defineProperty(player, name, { enumerable: true, get: function () { return state[name]; } });
    });
    AUDIO_EVENTS.forEach(function (name) {
      var list = listeners[name.toLowerCase()];
      player['on' + name] = function (listener) { if (typeof listener === 'function') list.push(listener); };
      player['off' + name] = function (listener) {
        var kept = listener === undefined ? [] : list.filter(function (l) { return l !== listener; });
        list.length = 0;
        Array.prototype.push.apply(list, kept);
      };
    });
    audioPlayers.set(id, { listeners: listeners, state: state, route: currentRoute });
    return player;
  };

  // getBackgroundAudioManager: the app's one background player, an audio player of the page
  // host as createInnerAudioContext makes them: setting src plays it at once. title, epname,
  // singer, coverImgUrl, webUrl and protocol are kept for the system's player (this
  // container draws none, so onNext / onPrev never fire).
  var backgroundAudio = null;
  own.getBackgroundAudioManager = function () {
    if (backgroundAudio) return backgroundAudio;
    var player = own.createInnerAudioContext();
    var manager = Object.create(player);
    Object.defineProperty(manager, 'src', {
      enumerable: true,
      get: function () { return player.src; },
      set: function (value) {
        player.src = value;
        if (player.src) player.play();
      },
    });
    manager.title = '';
    manager.epname = '';
    manager.singer = '';
    manager.coverImgUrl = '';
    manager.webUrl = '';
    manager.protocol = 'http';
    ['Next', 'Prev'].forEach(function (name) {
      manager['on' + name] = function () {};
      manager['off' + name] = function () {};
    });
    manager.destroy = undefined;
    backgroundAudio = manager;
    return manager;
  };

  // What a player did ({audioId, type, detail}); detail carries its state, and for an
  // error {errCode, errMsg}.
  function audioEvent(data) {
    var player = audioPlayers.get(data.audioId);
    if (!player) return;
    var detail = data.detail && typeof data.detail === 'object' ? data.detail : {};
    Object.keys(player.state).forEach(function (name) {
      if (detail[name] !== undefined) player.state[name] = detail[name];
    });
    var list = player.listeners[String(data.type).toLowerCase()] || [];
    var arg = data.type === 'error' ? [{ errCode: detail.errCode, errMsg: detail.errMsg }] : [];
    withRoute(player.route, function () {
      list.slice().forEach(function (listener) { guard(listener, null, arg); });
    });
  }

