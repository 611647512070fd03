const app = getApp();

Page({
  data: { settings: { notify: true, copies: 1 }, agreed: false, printed: false, paper: 'A4' },
  onShow() {
    this.setData({
      settings: app.globalData.settings,
      paper: my.getStorageSync({ key: 'paper' }).data || 'A4',
    });
  },
  update(change) {
    const settings = Object.assign({}, this.data.settings, change);
    app.save(settings);
    this.setData({ settings });
  },
  onNotify(checked) {
    this.update({ notify: checked });
  },
  onCopies(value) {
    this.update({ copies: value });
  },
  onAgree(checked) {
    this.setData({ agreed: checked });
  },
  onPrint() {
    this.setData({ printed: true });
  },
  openOverlays() {
    my.navigateTo({ url: '/pages/overlays/overlays' });
  },
});
