const app = getApp();

Page({
  data: { settings: { notify: true, copies: 1 }, agreed: false, printed: false, paper: 'A4' },
  onShow() {
    this.setData({ settings: app.globalData.settings, paper: wx.getStorageSync('paper') || 'A4' });
  },
  update(change) {
    const settings = Object.assign({}, this.data.settings, change);
    app.save(settings);
    this.setData({ settings });
  },
  onNotify(event) {
    this.update({ notify: event.detail.value });
  },
  onCopies(event) {
    this.update({ copies: Number(event.detail.value) });
  },
  onAgree(event) {
    this.setData({ agreed: event.detail.checked });
  },
  onPrint() {
    this.setData({ printed: true });
  },
  openOverlays() {
    wx.navigateTo({ url: '/pages/overlays/overlays' });
  },
});
