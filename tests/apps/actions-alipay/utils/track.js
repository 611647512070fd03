// Page options that note the page's lifecycle hooks in one log for the whole app, shown on
// every page as `.log` (the scenarios read the order pages were shown and left in).
const log = [];

module.exports = function track(name, options) {
  const hook = (event, show) =>
    function (arg) {
      log.push(name + '.' + event);
      if (show) this.setData({ log: log.join(' ') });
      const own = options[event];
      if (own) own.call(this, arg);
    };
  return Object.assign({}, options, {
    data: Object.assign({ log: '' }, options.data),
    onLoad: hook('onLoad', true),
    onShow: hook('onShow', true),
    onHide: hook('onHide', true),
    onUnload: hook('onUnload', false),
    onTabItemTap: hook('onTabItemTap', true),
  });
};
