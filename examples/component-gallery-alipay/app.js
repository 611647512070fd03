App({
  globalData: {
    opened: 0,
  },

  onLaunch() {
    console.log('Component gallery launched');
  },

  onError(message) {
    console.error('app error: ' + message);
  },
});
