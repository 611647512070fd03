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

  // A stat tile was pinned or unpinned (its onPin handler property).
  onPin(label, pinned) {
    this.setData({ pinned: pinned ? label : '' });
  },

  onClear() {
    if (this.data.done === 0) {
      my.showToast({ content: 'Nothing to clear' });
      return;
    }
    my.confirm({
      title: 'Clear done?',
      content: 'Remove ' + this.data.done + ' finished ' + (this.data.done === 1 ? 'todo' : 'todos') + ' from the list.',
      confirmButtonText: 'Clear',
      cancelButtonText: 'Keep',
      success: (res) => {
        if (!res.confirm) return;
        store.save(store.load().filter((todo) => !todo.done));
        this.refresh();
      },
    });
  },

  openEvents() {
    my.navigateTo({ url: '/pages/events/events' });
  },
});
