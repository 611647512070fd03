const pad = (n) => (n < 10 ? '0' + n : '' + n);

/** `2024/01/31 08:05:09` for a Date. */
const formatTime = (date) =>
  [date.getFullYear(), pad(date.getMonth() + 1), pad(date.getDate())].join('/') +
  ' ' +
  [date.getHours(), date.getMinutes(), date.getSeconds()].map(pad).join(':');

module.exports = { formatTime };
