const store = require('../../utils/store');

Page({
  data: {
    total: 0,
    done: 0,
    percent: 0,
    pinned: '',
  },

  onLoad() {
    this.refresh();
  },

  // The todos tab may have changed the list since this page was last shown.
  onShow() {
    this.refresh();
  },

  refresh() {
    const todos = store.load();
    const done = todos.filter((todo) => todo.done).length;
    this.setData({
      total: todos.length,
      done,
      percent: todos.length ? Math.round((done * 100) / todos.length) : 0,
    });
  },

  // A stat tile was pinned or unpinned (its triggerEvent).
  onPin(e) {
    this.setData({ pinned: e.detail.pinned ? e.detail.label : '' });
  },

  onClear() {
    if (this.data.done === 0) {
      wx.showToast({ title: 'Nothing to clear', icon: 'none' });
      return;
    }
    wx.showModal({
      title: 'Clear done?',
      content: 'Remove ' + this.data.done + ' finished ' + (this.data.done === 1 ? 'todo' : 'todos') + ' from the list.',
      confirmText: 'Clear',
      cancelText: 'Keep',
      success: (res) => {
        if (!res.confirm) return;
        store.save(store.load().filter((todo) => !todo.done));
        this.refresh();
      },
    });
  },

  openEvents() {
    wx.navigateTo({ url: '/pages/events/events' });
  },
});
