Page({
  data: {
    components: [
      'view', 'text', 'rich-text', 'icon', 'progress', 'button', 'checkbox', 'radio', 'switch', 'slider',
      'input', 'textarea', 'label', 'picker', 'picker-view', 'form', 'scroll-view', 'swiper', 'navigator', 'image',
    ],
    windowWidth: 0,
  },

  onLoad() {
    this.setData({ windowWidth: my.getSystemInfoSync().windowWidth });
  },
});
