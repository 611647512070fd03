const track = require('../../utils/track');

// Each event a component reports, as `name.type{detail};` (JSON) in `.events`.
Page(track('form', {
  data: { upper: '', fixed: 'keep', text: '', events: '' },
  note(e) {
    const entry = e.currentTarget.dataset.name + '.' + e.type + JSON.stringify(e.detail) + ';';
    this.setData({ events: this.data.events + entry });
  },
  // A controlled field shows what the page sets: here, what was typed in capitals.
  onUpper(e) {
    this.setData({ upper: e.detail.value.toUpperCase() });
  },
  onInput(e) {
    this.setData({ text: e.detail.value });
  },
  clear() {
    this.setData({ text: '' });
  },
}));
