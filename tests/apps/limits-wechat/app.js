App({
  onError: function (message) {
    console.error('app onError: ' + message);
  },
});
