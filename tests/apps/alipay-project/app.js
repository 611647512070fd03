App({
  onLaunch() {
    my.setStorageSync({ key: 'openedAt', data: new Date(Date.UTC(2024, 0, 31, 8, 5, 9)) });
  },
});
