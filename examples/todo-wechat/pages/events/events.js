Page({
  data: {
    log: '',
  },

  append(name) {
    this.setData({ log: this.data.log + name + ';' });
  },

  // Bubbling: runs for taps on .bubble and on the box itself, never for .inner (it catches).
  onOuter() {
    this.append('outer');
  },

  onInner() {
    this.append('inner');
  },

  onBubble() {
    this.append('bubble');
  },

  onBoom() {
    throw new Error('boom');
  },

  onAfter() {
    this.append('after');
  },

  // An action sheet; cancelling fails (WeChat).
  onSheet() {
    wx.showActionSheet({
      itemList: ['red', 'green', 'blue'],
      success: (res) => this.append('sheet ' + ['red', 'green', 'blue'][res.tapIndex]),
      fail: () => this.append('sheet cancelled'),
    });
  },

  onReset() {
    this.setData({ log: '' });
  },
});
