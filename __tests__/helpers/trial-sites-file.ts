// The new-user trial's sites file, shared by the core and runner tests of "every problem in one run":
// four mistakes (a misspelt "document" key, a misspelt parameter name whose value has a ".." segment,
// a malformed CloudFront distribution id, and a "*" inside a path), which took three
// runs to find before. The line numbers are the ones the errors must name.

export const trialFile = [
  'region: us-east-1', // 1
  'sites:', // 2
  '  shop:', // 3
  '    targets:', // 4
  '      tags: { Site: shop }', // 5
  '    steps:', // 6
  '      - name: W3 Total Cache', // 7
  '        ssm:', // 8
  '          documnet: CachePurge-W3TotalCache', // 9
  '          parameters: { WordPressPath: /var/www/shop }', // 10
  '      - name: FastCGI cache', // 11
  '        ssm:', // 12
  '          document: CachePurge-FastCGI', // 13
  '          parameters:', // 14
  '            cachepath: /var/cache/nginx/../shop', // 15
  '      - cloudfront:', // 16
  '          distribution-id: e1abc', // 17
  "          paths: ['/a*b']", // 18
  '',
].join('\n');
