Page({
  data: {
    active: 0,
    details: false,
    confirming: false,
    sizes: [
      { title: 'A4', mm: '210 × 297 mm' },
      { title: 'A5', mm: '148 × 210 mm' },
      { title: 'Letter', mm: '216 × 279 mm' },
    ],
  },
  onLoad() {
    const saved = my.getStorageSync({ key: 'paper' }).data;
    const index = this.data.sizes.findIndex((size) => size.title === saved);
    if (index >= 0) this.setData({ active: index });
  },
  onTab(index) {
    this.setData({ active: index });
  },
  showDetails() {
    this.setData({ details: true });
  },
  hideDetails() {
    this.setData({ details: false });
  },
  confirmChoice() {
    this.setData({ confirming: true });
  },
  onConfirm() {
    my.setStorageSync({ key: 'paper', data: this.data.sizes[this.data.active].title });
    this.setData({ confirming: false });
    my.navigateBack();
  },
  onCancel() {
    this.setData({ confirming: false });
  },
});
