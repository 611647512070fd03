App({
  onLaunch() {
    const saved = my.getStorageSync({ key: 'settings' }).data;
    this.globalData.settings = Object.assign({ notify: true, copies: 1 }, saved || {});
  },
  save(settings) {
    this.globalData.settings = settings;
    my.setStorageSync({ key: 'settings', data: settings });
  },
  globalData: { settings: null },
});
