// A number with a label. Tapping pins the tile (its own state) and tells the page.
Component({
  properties: {
    value: { type: Number, value: 0 },
    label: { type: String, value: '' },
  },

  data: {
    pinned: false,
  },

  methods: {
    togglePin() {
      this.setData({ pinned: !this.data.pinned });
      this.triggerEvent('pin', { label: this.data.label, pinned: this.data.pinned });
    },
  },
});
