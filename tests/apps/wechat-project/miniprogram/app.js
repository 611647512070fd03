// Each launch is kept in storage as a Date, newest first.
App({
  onLaunch() {
    const launches = wx.getStorageSync('launches') || [];
    launches.unshift(new Date());
    wx.setStorageSync('launches', launches.slice(0, 10));
  },
  globalData: { user: null },
});
