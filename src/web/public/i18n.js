// Labels in Chinese and English, the language toggle, and the translation of static [data-i18n] elements.
const zh = {
  title: '指挥室', token: 'API 令牌', signin: '登录', signout: '退出', lang: 'EN',
  alerts: '告警', keys: 'j/k 下一条/上一条 · c 确认 · d 排除 · Esc 取消', keysView: 'j/k 下一条/上一条', noAlerts: '暂无告警',
  map: '地图', cameras: '摄像机', units: '警力', offers: '派警任务', noOffers: '暂无任务',
  evidence: '证据', plateRead: '识别结果', hotlistRecord: '布控记录', noCrop: '无截图',
  plate: '号牌', category: '类别', reason: '布控原因', source: '来源', expires: '有效期至',
  match: '比对方式', differences: '差异', score: '置信度', camera: '摄像机', time: '抓拍时间',
  priority: '优先级', status: '状态', confirm: '确认', dismiss: '排除', cancel: '取消', submit: '提交',
  reasonFor: '理由（必填，至少 3 个字）', confirmWhy: '确认理由', dismissWhy: '排除理由',
  dispatched: '派警', noUnitYet: '尚未派警', unit: '单元', attempt: '次', distance: '距离', eta: '预计到达',
  ack: '接警', arrived: '到达', resolved: '处置完毕', target: '目标',
  fps: '帧率', lastFrame: '最后一帧', restarts: '重启', position: '位置',
  signedInAs: '已登录', streamDown: '实时连接中断，正在重连…', live: '实时',
  selectAlert: '选择一条告警查看证据', disposedBy: '处理人', pick: '选中告警',
  role_admin: '管理员', role_operator: '值班员', role_investigator: '侦查员', role_checkpoint: '卡口', role_unit: '巡逻单元',
  cat_stolen_vehicle: '被盗车辆', cat_wanted: '通缉', cat_suspect_vehicle: '嫌疑车辆', cat_missing_person: '失踪人员', cat_fake_plate: '假牌/套牌', cat_other: '其他',
  lvl_exact: '完全一致', lvl_ocr_equivalent: '形近字符一致', lvl_fuzzy: '模糊匹配', lvl_pattern: '模式匹配',
  st_candidate: '待核实', st_confirmed: '已确认', st_dismissed: '已排除',
  as_offered: '已派发', as_acknowledged: '已接警', as_arrived: '已到达', as_timed_out: '超时未接', as_resolved: '已处置', as_no_unit_available: '无可用警力',
  us_available: '空闲', us_assigned: '已指派', us_en_route: '赶赴中', us_on_scene: '在现场', us_off_duty: '下班',
  cs_online: '在线', cs_offline: '离线', cs_starting: '启动中', cs_stopped: '已停止', cs_unknown: '未知',
  candidateNotice: '候选比对：尚未经人工确认。行动前请核实号牌和车辆。', confirmedNotice: '已由值班员确认。',
  ocrSubs: '形近字符', otherDiffs: '其他差异', provinceDiffers: '省份不同',
  dutyLevel: '勤务等级', duty_normal: '常态', duty_enhanced: '加强', duty_wartime: '战时', dutySwitch: '切换等级', dutyReason: '切换理由（必填，至少 3 个字）',
  dutySince: '自', dutyInitial: '配置的初始等级', dutyUnits: '每警派', dutyAck: '接警时限', dutyPriority: '告警优先级', dutyFaceConfirm: '人脸确认人数', dutyCheckpoints: '通知卡口',
  dutyScope_own: '本卡口', dutyScope_district: '本辖区', dutyScope_all: '全部',
  interceptions: '拦截指令', icNone: '暂无拦截指令', icReason: '拦截原因', icSeenAt: '发现地点', icDirection: '行驶方向', icExpected: '预计到达', icOrderedBy: '下令人',
  icAck: '确认收到', icAcked: '已确认', icWaiting: '待确认', icAckedCount: '个卡口已确认', icOrder: '下达拦截指令', icOrdered: '已下达拦截',
  icLoopClosed: '拦截闭环：', icClosedAt: '已在卡口识别：', icCancelled: '已撤销', dirUnknown: '方向不明',
  ic_open: '拦截中', ic_closed: '已闭环', ic_cancelled: '已撤销', icLapsed: '已超时',
  dir_N: '向北', dir_NE: '向东北', dir_E: '向东', dir_SE: '向东南', dir_S: '向南', dir_SW: '向西南', dir_W: '向西', dir_NW: '向西北',
  reports: '研判报表', heat: '热力分布', heatAlerts: '告警', heatReads: '过车', period: '时段', last24h: '近24小时', last7d: '近7天', last30d: '近30天', refresh: '刷新', grid: '网格', shift: '班次', all: '全部', noShift: '班外', total: '合计', noData: '该时段无数据', response135: '1-3-5 快速反应（到达用时）', dispatchedCount: '派警数', ackP: '接警用时 p50/p90', arriveP: '到达用时 p50/p90', within1: '1分钟内', within3: '3分钟内', within5: '5分钟内', stale: '位置过期', staleHint: '位置超过时限未更新，派警时不会选中', noFix: '无定位', ut_car: '巡逻车', ut_motorbike: '摩托车', ut_foot: '步巡', ut_post: '固定岗',
  liveView: '实时画面', close: '关闭', liveConnecting: '正在连接摄像机…', cameraOffline: '摄像机离线', liveEnded: '实时画面已中断', liveCodec: '浏览器无法播放该摄像机的编码', retry: '重试', footage: '录像', footagePurpose: '调阅事由（必填，如案件编号）', play: '播放', noFootage: '该时段无录像', faceCrop: '抓拍人脸', subjectPhoto: '布控照片', subject: '布控对象', faceScore: '相似度', reference: '文书编号', confirmations: '人工确认', faceCandidateNotice: '人脸候选比对：尚未经足够人员确认，派警前须由人工比对布控照片。人脸比对不能作为身份证明。', faceConfirmedNotice: '人脸比对已由所需人员确认。到场后仍须核实身份。', subj_wanted_court: '法院通缉', subj_wanted_police: '公安通缉', subj_suspect: '嫌疑人', subj_missing_vulnerable: '失踪（弱势）人员', subj_at_risk: '高危人员',
  footageSearch: '录像检索', search: '检索', searchMode: '比对方式', searchMode_exact: '精确', searchMode_fuzzy: '形近字符（OCR 易混）', searchMode_partial: '部分（? 一个字符，* 任意多个）', searchFrom: '开始', searchTo: '结束', searchPurpose: '调阅事由', searchCase: '或案件编号', searchCrop: '截图', searchNone: '无结果', searchMore: '更多',
};

const en = {
  title: 'Command room', token: 'API token', signin: 'Sign in', signout: 'Sign out', lang: '中文',
  alerts: 'Alerts', keys: 'j/k next/previous · c confirm · d dismiss · Esc cancel', keysView: 'j/k next/previous', noAlerts: 'No alerts yet',
  map: 'Map', cameras: 'Cameras', units: 'Units', offers: 'Dispatches', noOffers: 'No dispatches',
  evidence: 'Evidence', plateRead: 'Plate read', hotlistRecord: 'Hotlist record', noCrop: 'no crop',
  plate: 'Plate', category: 'Category', reason: 'Reason listed', source: 'Source', expires: 'Expires',
  match: 'Match', differences: 'Differences', score: 'Confidence', camera: 'Camera', time: 'Captured',
  priority: 'Priority', status: 'Status', confirm: 'Confirm', dismiss: 'Dismiss', cancel: 'Cancel', submit: 'Submit',
  reasonFor: 'Reason (required, at least 3 characters)', confirmWhy: 'Reason to confirm', dismissWhy: 'Reason to dismiss',
  dispatched: 'Dispatch', noUnitYet: 'No unit sent yet', unit: 'Unit', attempt: 'attempt', distance: 'Distance', eta: 'ETA',
  ack: 'Acknowledge', arrived: 'Arrived', resolved: 'Resolved', target: 'Target',
  fps: 'fps', lastFrame: 'last frame', restarts: 'restarts', position: 'position',
  signedInAs: 'Signed in', streamDown: 'Live stream lost, reconnecting…', live: 'live',
  selectAlert: 'Select an alert to see its evidence', disposedBy: 'by', pick: 'Selected alert',
  role_admin: 'admin', role_operator: 'operator', role_investigator: 'investigator', role_checkpoint: 'checkpoint', role_unit: 'patrol unit',
  cat_stolen_vehicle: 'stolen vehicle', cat_wanted: 'wanted', cat_suspect_vehicle: 'suspect vehicle', cat_missing_person: 'missing person', cat_fake_plate: 'fake plate', cat_other: 'other',
  lvl_exact: 'exact', lvl_ocr_equivalent: 'OCR-equivalent', lvl_fuzzy: 'fuzzy', lvl_pattern: 'pattern',
  st_candidate: 'candidate', st_confirmed: 'confirmed', st_dismissed: 'dismissed',
  as_offered: 'offered', as_acknowledged: 'acknowledged', as_arrived: 'arrived', as_timed_out: 'timed out', as_resolved: 'resolved', as_no_unit_available: 'no unit available',
  us_available: 'available', us_assigned: 'assigned', us_en_route: 'en route', us_on_scene: 'on scene', us_off_duty: 'off duty',
  cs_online: 'online', cs_offline: 'offline', cs_starting: 'starting', cs_stopped: 'stopped', cs_unknown: 'unknown',
  candidateNotice: 'Candidate match: not confirmed by a person. Verify the plate and vehicle before acting.', confirmedNotice: 'Confirmed by an operator.',
  ocrSubs: 'look-alike characters', otherDiffs: 'other differences', provinceDiffers: 'province differs',
  dutyLevel: 'Duty level', duty_normal: 'normal', duty_enhanced: 'enhanced', duty_wartime: 'wartime', dutySwitch: 'Switch level', dutyReason: 'Reason (required, at least 3 characters)',
  dutySince: 'since', dutyInitial: 'initial level from the config', dutyUnits: 'units per hit', dutyAck: 'ack within', dutyPriority: 'alert on priority', dutyFaceConfirm: 'face confirmations', dutyCheckpoints: 'checkpoints told',
  dutyScope_own: 'own', dutyScope_district: 'district', dutyScope_all: 'all',
  interceptions: 'Interception orders', icNone: 'No interception orders', icReason: 'Reason', icSeenAt: 'Seen at', icDirection: 'Heading', icExpected: 'Expected by', icOrderedBy: 'Ordered by',
  icAck: 'Acknowledge', icAcked: 'acknowledged', icWaiting: 'waiting', icAckedCount: 'checkpoints acknowledged', icOrder: 'Order interception', icOrdered: 'Interception ordered',
  icLoopClosed: 'Loop closed:', icClosedAt: 'Read at checkpoint', icCancelled: 'Cancelled by', dirUnknown: 'direction unknown',
  ic_open: 'open', ic_closed: 'closed', ic_cancelled: 'cancelled', icLapsed: 'lapsed',
  dir_N: 'northbound', dir_NE: 'north-east', dir_E: 'eastbound', dir_SE: 'south-east', dir_S: 'southbound', dir_SW: 'south-west', dir_W: 'westbound', dir_NW: 'north-west',
  reports: 'Reports', heat: 'Heat', heatAlerts: 'alerts', heatReads: 'plate reads', period: 'Period', last24h: 'last 24 h', last7d: 'last 7 days', last30d: 'last 30 days', refresh: 'Refresh', grid: 'Grid', shift: 'Shift', all: 'all', noShift: 'off shift', total: 'Total', noData: 'Nothing in this period', response135: '1-3-5 response (time to arrival)', dispatchedCount: 'Dispatched', ackP: 'Ack p50/p90', arriveP: 'Arrival p50/p90', within1: '≤ 1 min', within3: '≤ 3 min', within5: '≤ 5 min', stale: 'stale fix', staleHint: 'Position older than the stale limit: dispatch will not choose this unit', noFix: 'no fix', ut_car: 'car', ut_motorbike: 'motorbike', ut_foot: 'foot', ut_post: 'fixed post',
  liveView: 'Live view', close: 'Close', liveConnecting: 'Connecting to the camera…', cameraOffline: 'Camera offline', liveEnded: 'Live picture stopped', liveCodec: 'This browser cannot play the camera\'s codec', retry: 'Retry', footage: 'Footage', footagePurpose: 'Purpose (required, e.g. a case number)', play: 'Play', noFootage: 'No footage for this time', faceCrop: 'Face captured', subjectPhoto: 'Enrolled photo', subject: 'Subject', faceScore: 'Similarity', reference: 'Reference', confirmations: 'Confirmations', faceCandidateNotice: 'Candidate face match: not yet confirmed by enough people. Compare with the enrolled photo before anyone is sent; a face match is not proof of identity.', faceConfirmedNotice: 'Face match confirmed by the required people. Check identity in person.', subj_wanted_court: 'wanted (court)', subj_wanted_police: 'wanted (police)', subj_suspect: 'suspect', subj_missing_vulnerable: 'missing (vulnerable)', subj_at_risk: 'at risk',
  footageSearch: 'Footage search', search: 'Search', searchMode: 'Match', searchMode_exact: 'exact', searchMode_fuzzy: 'fuzzy (OCR look-alikes)', searchMode_partial: 'partial (? one character, * any run)', searchFrom: 'From', searchTo: 'To', searchPurpose: 'Purpose', searchCase: 'or case number', searchCrop: 'Crop', searchNone: 'No results', searchMore: 'More',
};

const dicts = { zh, en };
let lang = localStorage.getItem('vigil-lang') === 'en' ? 'en' : 'zh';
const listeners = [];

/** The label for a key in the current language; an unknown key shows itself (a value the page has no word for). */
export function t(key, fallback) {
  return dicts[lang][key] ?? fallback ?? key;
}

/** A label for a coded value, e.g. tv('st', 'confirmed'); unknown codes show as they are. */
export const tv = (prefix, code) => t(`${prefix}_${code}`, code);

export const currentLang = () => lang;

export function applyStatic(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('vigil-lang', lang);
  applyStatic();
  for (const fn of listeners) fn(lang);
}

export const toggleLang = () => setLang(lang === 'zh' ? 'en' : 'zh');

/** Modules that draw dynamic text re-draw when the language changes. */
export const onLang = (fn) => listeners.push(fn);
