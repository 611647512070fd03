Page({
  data: {
    active: 0,
    details: false,
    confirming: false,
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
    this.setData({ active: Number(event.detail.value) });
  },
  showDetails() {
    this.setData({ details: true });
  },
  onDetailsChange(event) {
    this.setData({ details: event.detail.visible });
  },
  confirmChoice() {
    this.setData({ confirming: true });
  },
  onConfirm() {
    wx.setStorageSync('paper', this.data.sizes[this.data.active].name);
    this.setData({ confirming: false });
    wx.navigateBack();
  },
  onCancel() {
    this.setData({ confirming: false });
  },
});
