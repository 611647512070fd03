App({
  globalData: {
    todos: [],
    launchedAt: 0,
  },

  onLaunch(options) {
    this.globalData.launchedAt = Date.now();
    try {
      const res = my.getStorageSync({ key: 'todos' });
      this.globalData.todos = res && Array.isArray(res.data) ? res.data : [];
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
