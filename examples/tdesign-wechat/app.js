App({
  onLaunch() {
    const saved = wx.getStorageSync('settings');
    this.globalData.settings = Object.assign({ notify: true, copies: 1 }, saved || {});
  },
  save(settings) {
    this.globalData.settings = settings;
    wx.setStorageSync('settings', settings);
  },
  globalData: { settings: null },
});
