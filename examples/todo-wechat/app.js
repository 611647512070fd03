App({
  globalData: {
    todos: [],
    launchedAt: 0,
  },

  onLaunch(options) {
    this.globalData.launchedAt = Date.now();
    try {
      const stored = wx.getStorageSync('todos');
      this.globalData.todos = Array.isArray(stored) ? stored : [];
    } catch (e) {
      this.globalData.todos = [];
    }
    console.log('Todo app launched with ' + this.globalData.todos.length + ' todos');
  },

  onShow() {},

  onHide() {},

  onError(message) {
    console.error('app error: ' + message);
  },
});
