const { formatTime } = require('../../utils/util.js');

Page({
  data: { launches: [] },
  onLoad() {
    const launches = wx.getStorageSync('launches') || [];
    this.setData({
      launches: launches.map((date, index) => ({ index, time: formatTime(date) })),
    });
  },
});
