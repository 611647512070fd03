// A number with a label. Tapping pins the tile (its own state) and tells the page through
// its onPin handler property.
Component({
  props: {
    value: 0,
    label: '',
    onPin: () => {},
  },

  data: {
    pinned: false,
  },

  methods: {
    togglePin() {
      this.setData({ pinned: !this.data.pinned });
      this.props.onPin(this.props.label, this.data.pinned);
    },
  },
});
