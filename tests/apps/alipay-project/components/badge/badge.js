Component({
  props: { label: '', tone: 'plain' },
});
