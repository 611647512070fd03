import Dialog from '@vant/weapp/dialog/dialog';

Page({
  data: {
    active: 0,
    details: false,
    sizes: [
      { name: 'A4', mm: '210 × 297 mm' },
      { name: 'A5', mm: '148 × 210 mm' },
      { name: 'Letter', mm: '216 × 279 mm' },
    ],
  },
  onLoad() {
    const saved = wx.getStorageSync('paper');
    const index = this.data.sizes.findIndex((size) => size.name === saved);
    if (index >= 0) this.setData({ active: index });
  },
  onTab(event) {
    this.setData({ active: event.detail.index });
  },
  showDetails() {
    this.setData({ details: true });
  },
  hideDetails() {
    this.setData({ details: false });
  },
  confirmChoice() {
    const size = this.data.sizes[this.data.active].name;
    Dialog.confirm({ title: 'Paper', message: `Print on ${size}?` })
      .then(() => {
        wx.setStorageSync('paper', size);
        wx.navigateBack();
      })
      .catch(() => {});
  },
});
