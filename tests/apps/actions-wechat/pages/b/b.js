const track = require('../../utils/track');

Page(track('b', {}));
