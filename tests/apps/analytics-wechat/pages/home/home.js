Page({
  data: { visits: 0 },
  onLoad() {
    wx.setStorageSync('visits', 1);
    this.setData({ visits: wx.getStorageSync('visits') });
  },
  open() {
    wx.navigateTo({ url: '/pages/detail/detail?id=7' });
  },
});
