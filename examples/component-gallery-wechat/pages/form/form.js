const { json, pick, keys } = require('../../utils/echo');

Page({
  data: {
    last: null,
    received: 0,
    echo: {
      button: '',
      fruits: '',
      size: '',
      switch: '',
      volume: '',
      field: '',
      notes: '',
      picker: '',
      form: '',
      focusKeys: '',
      open: '',
    },
    focusLog: '',
    detailLog: '',
    shared: 0,
    columnLog: '',
    fruits: [
      { value: 'apple', name: 'Apple' },
      { value: 'banana', name: 'Banana', checked: true },
      { value: 'cherry', name: 'Cherry' },
      { value: 'durian', name: 'Durian (disabled)', disabled: true },
    ],
    sizes: [
      { value: 's', name: 'Small' },
      { value: 'm', name: 'Medium', checked: true },
      { value: 'l', name: 'Large' },
    ],
    volume: 30,
    notesLength: 0,
    cities: ['Beijing', 'Shanghai', 'Guangzhou', 'Shenzhen'],
    cityIndex: 0,
    drinks: [
      ['Coffee', 'Tea', 'Juice'],
      ['Small', 'Medium', 'Large'],
    ],
    drink: [0, 1],
    alarm: '07:30',
    day: '2024-05-01',
    submitted: '',
  },

  onLoad() {
    getApp().globalData.opened += 1;
  },

  // Every event a handler receives, as it came: the latest in `last` (its handler, type
  // and detail), how many so far in `received`.
  seen(e, handler) {
    this.setData({ last: { handler, type: e.type, detail: e.detail }, received: this.data.received + 1 });
  },

  onButton(e) {
    this.seen(e, 'onButton');
    const name = e.currentTarget.dataset.name;
    this.setData({ 'echo.button': `${name} ${e.type} detail=${keys(e.detail)}` });
  },

  // checkbox-group: detail.value is the values of the checked boxes; radio-group: the
  // value of the chosen radio. The list in data follows, as WeUI's demo does.
  onGroupChange(e) {
    this.seen(e, 'onGroupChange');
    const name = e.currentTarget.dataset.name;
    const value = e.detail.value;
    const list = name === 'fruits' ? 'fruits' : 'sizes';
    const chosen = Array.isArray(value) ? value : [value];
    this.setData({
      [`echo.${name}`]: `${e.type} ${json(e.detail)}`,
      [list]: this.data[list].map((item) => Object.assign({}, item, { checked: chosen.indexOf(item.value) >= 0 })),
    });
  },

  onSwitch(e) {
    this.seen(e, 'onSwitch');
    this.setData({ 'echo.switch': `${e.currentTarget.dataset.name} ${e.type} ${json(e.detail)}` });
  },

  onSliding(e) {
    this.seen(e, 'onSliding');
    this.setData({ 'echo.volume': `${e.type} ${json(e.detail)}` });
  },

  onSlider(e) {
    this.seen(e, 'onSlider');
    this.setData({ 'echo.volume': `${e.type} ${json(e.detail)}`, volume: e.detail.value });
  },

  // input and textarea: detail is {value, cursor} (and keyCode on a device).
  onField(e) {
    this.seen(e, 'onField');
    const name = e.currentTarget.dataset.name;
    const text = `${name} ${e.type} ${pick(e.detail, ['value', 'cursor'])}`;
    if (name === 'notes') {
      this.setData({ 'echo.notes': text, notesLength: e.detail.value.length });
    } else {
      this.setData({ 'echo.field': text });
    }
  },

  onConfirm(e) {
    this.seen(e, 'onConfirm');
    const name = e.currentTarget.dataset.name;
    const key = name === 'notes' ? 'echo.notes' : 'echo.field';
    this.setData({ [key]: `${name} ${e.type} ${pick(e.detail, ['value'])}` });
  },

  // focus: detail is {value, height} (height: the keyboard's); blur: {value}.
  onFocus(e) {
    this.seen(e, 'onFocus');
    this.logFocus(e);
  },

  onBlur(e) {
    this.seen(e, 'onBlur');
    this.logFocus(e);
  },

  logFocus(e) {
    this.setData({
      focusLog: `${this.data.focusLog}${e.currentTarget.dataset.name}.${e.type} ${pick(e.detail, ['value'])};`,
      'echo.focusKeys': `${e.type} detail has ${keys(e.detail)}`,
    });
  },

  // selector: the index chosen; multiSelector: an index per column; time "HH:MM";
  // date "YYYY-MM-DD".
  onPicker(e) {
    this.seen(e, 'onPicker');
    const name = e.currentTarget.dataset.name;
    const model = { city: 'cityIndex', drink: 'drink', alarm: 'alarm', day: 'day' }[name];
    this.setData({ 'echo.picker': `${name} ${e.type} ${json(e.detail)}`, [model]: e.detail.value });
  },

  // multiSelector: each column the user turns reports {column, value} before change.
  onColumn(e) {
    this.seen(e, 'onColumn');
    this.setData({ columnLog: `${this.data.columnLog}${e.type} ${json(e.detail)};` });
  },

  onSubmit(e) {
    this.seen(e, 'onSubmit');
    this.setData({
      'echo.form': `${e.type} detail=${keys(e.detail)}`,
      submitted: json(e.detail.value),
    });
  },

  onReset(e) {
    this.seen(e, 'onReset');
    this.setData({ 'echo.form': e.type, submitted: '' });
  },

  // button open-type="share": the page's onShareAppMessage gets {from: 'button', target}
  // (the button's id and dataset) and returns what is shared.
  onShareAppMessage(options) {
    this.setData({ 'echo.open': `onShareAppMessage ${json(options)}`, shared: this.data.shared + 1 });
    return { title: 'Component gallery: form', path: '/pages/form/form' };
  },

  // The other open-types report their own event: what the container could not do says why
  // in its detail.
  onOpenType(e) {
    this.seen(e, 'onOpenType');
    this.setData({ 'echo.open': `${e.currentTarget.dataset.name} ${e.type} ${json(e.detail)}` });
  },

  // focus, blur, confirm and keyboardheightchange of the fields with a cursor, a selection
  // or confirm-hold; a textarea's linechange (its height needs a layout: only the line
  // count and the detail's keys are shown).
  onDetail(e) {
    this.seen(e, 'onDetail');
    const detail = e.type === 'linechange' ? `lineCount=${e.detail.lineCount} keys=${keys(e.detail)}` : json(e.detail);
    this.setData({ detailLog: `${this.data.detailLog}${e.currentTarget.dataset.name}.${e.type} ${detail};` });
  },
});
