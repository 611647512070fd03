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

  // An action sheet; cancelling answers index -1 (Alipay).
  onSheet() {
    my.showActionSheet({
      items: ['red', 'green', 'blue'],
      success: (res) =>
        this.append(res.index < 0 ? 'sheet cancelled' : 'sheet ' + ['red', 'green', 'blue'][res.index]),
    });
  },

  onReset() {
    this.setData({ log: '' });
  },
});
