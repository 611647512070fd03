Page({
  data: {
    items: [
      { id: 1, name: '苹果', price: 5, hot: true },
      { id: 2, name: '香蕉', price: 3, hot: false },
    ],
    openedAt: '',
  },
  onLoad() {
    const { data } = my.getStorageSync({ key: 'openedAt' });
    this.setData({ openedAt: data instanceof Date ? data.toISOString() : 'not a Date' });
  },
  open(event) {
    my.navigateTo({ url: '/pages/detail/detail?id=' + event.target.dataset.id });
  },
});
