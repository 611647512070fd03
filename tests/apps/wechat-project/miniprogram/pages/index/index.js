Page({
  data: { greeting: '你好，开发者', count: 0 },
  onLoad() {
    const launches = wx.getStorageSync('launches');
    this.setData({ count: launches.length, first: launches[0] instanceof Date });
  },
  openLogs() {
    wx.navigateTo({ url: '../logs/logs' });
  },
});
