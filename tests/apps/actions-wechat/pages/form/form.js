const track = require('../../utils/track');

// Each event a component reports, as `name.type{detail};` (JSON) in `.events`.
Page(track('form', {
  data: { text: '', rows: [{ id: 1 }], events: '' },
  note(e) {
    const entry = e.currentTarget.dataset.name + '.' + e.type + JSON.stringify(e.detail) + ';';
    this.setData({ events: this.data.events + entry });
  },
  onInput(e) {
    this.setData({ text: e.detail.value });
  },
  clear() {
    this.setData({ text: '' });
  },
  // A row before the others: the fields of a keyed list keep what was typed into them.
  addRow() {
    const rows = this.data.rows;
    this.setData({ rows: [{ id: rows.length + 1 }].concat(rows) });
  },
}));
