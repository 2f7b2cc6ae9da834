"""Word lists for the demo catalog: the city, its departments, their data and their fields.

Everything here is plain data, written the way Chinese catalog sheets are:
department names, resource topics per department, 信息项 with pinyin-initial
and English technical names, data types and lengths, and the legal bases that
conditional sharing cites. :mod:`registry.demo.generator` parses it once.

Line formats (``|``-separated, empty trailing columns may be left out):

- topic: ``名称|主体|基础项|主题项`` — 主体 ``P`` 自然人 / ``L`` 法人 / ``O`` 其他;
  基础项 the 项 of the base tree (01 人口 … 05 电子证照) when the topic is base
  data, 主题项 the 项 of the theme tree (01 公共服务 … 12 应急维稳).
- field: ``名称|拼音首字母|english_name|类型|长度|标记|描述|示例值`` — 标记 is a
  comma list of ``pk`` (主键), ``s`` (敏感) and ``id=<kind>`` (标识类型).
"""
from __future__ import annotations

from dataclasses import dataclass

# -- the city ------------------------------------------------------------------

#: A fictional prefecture-level city of Henan (province 41); 4118 is not a real
#: city code, so the demo never passes for real data.
CITY_CODE = "411800"
CITY_NAME = "嵩原市"
CITY_SHORT = "嵩原"

#: 目 of the department tree (部门目录 3 07 …): the province's 3-digit segment.
PROVINCE_CATEGORY = "041"

COUNTIES: tuple[tuple[str, str], ...] = (
    ("411802", "嵩阳区"),
    ("411803", "龙湖区"),
    ("411804", "城北区"),
    ("411821", "临河县"),
    ("411822", "宜安县"),
    ("411823", "清源县"),
    ("411824", "云溪县"),
    ("411881", "汝川市"),
)


@dataclass(frozen=True)
class Domain:
    """A kind of department: its name at city (and county) level, units, systems and data."""

    key: str
    name: str  # city-level name; ``{city}`` is replaced by the city's name
    county_name: str | None  # name after the county's name, None if the county has no such department
    short: str  # 公安, 市场监管 … used in tags and summaries
    kind: str  # 2 leading USCC characters: 11 机关, 12 事业单位, 13 群团
    weight: float  # relative share of the catalog
    units: tuple[str, ...]
    systems: tuple[str, ...]
    business: str
    usage: str
    fields: str
    topics: str


def _d(key, name, county_name, short, kind, weight, units, systems, business, usage, fields, topics) -> Domain:
    return Domain(key, name, county_name, short, kind, weight, tuple(units.split()), tuple(systems.split()),
                  business, usage, fields, topics)


# -- fields shared by subject ------------------------------------------------------

PERSON_FIELDS = """
公民身份号码|GMSFHM|citizen_id_no|C|18|pk,s,id=citizen_id|居民身份证登记的18位公民身份号码（GB 11643）
姓名|XM|full_name|C|50|s|公民姓名
性别|XB|gender_code|C|1||性别代码（GB/T 2261.1）：1男，2女|1
民族|MZ|ethnic_code|C|2||民族代码（GB/T 3304）|01
出生日期|CSRQ|birth_date|D|8||格式为YYYYMMDD|19850312
国籍|GJ|nationality_code|C|3||国籍代码（GB/T 2659）|CHN
籍贯|JG|native_place|C|100||
文化程度|WHCD|education_code|C|2||学历代码（GB/T 4658）|21
婚姻状况|HYZK|marital_status|C|2||婚姻状况代码（GB/T 2261.2）|20
政治面貌|ZZMM|political_status|C|2||政治面貌代码（GB/T 4762）|13
职业|ZY|occupation|C|100||
工作单位|GZDW|employer_name|C|200||
联系电话|LXDH|phone_no|C|20|s|
手机号码|SJHM|mobile_no|C|11|s|
户籍地址|HJDZ|household_address|C|200|s|户籍登记的详细地址
现住址|XZZ|current_address|C|200|s|实际居住地详细地址
户籍地行政区划|HJDXZQH|household_region_code|C|6|id=region_code|户籍地县级行政区划代码（GB/T 2260）|411802
邮政编码|YZBM|postal_code|C|6||
电子邮箱|DZYX|email|C|100|s|
照片|ZP|photo|G|||证件照片，JPEG格式
血型|XX|blood_type|C|1||
宗教信仰|ZJXY|religion|C|2|s|
兵役状况|BYZK|military_service_status|C|1||
身高（厘米）|SG|height_cm|I|3||
监护人姓名|JHRXM|guardian_name|C|50|s|
监护人公民身份号码|JHRGMSFHM|guardian_id_no|C|18|s,id=citizen_id|监护人的公民身份号码
与户主关系|YHZGX|relation_to_head|C|2||家庭关系代码（GB/T 4761）|02
户主姓名|HZXM|head_of_household|C|50|s|
"""

LEGAL_FIELDS = """
统一社会信用代码|TYSHXYDM|uscc|C|18|pk,id=uscc|法人和其他组织统一社会信用代码（GB 32100）
单位名称|DWMC|org_name|C|200||法人或其他组织的登记名称
法定代表人|FDDBR|legal_rep_name|C|50||法定代表人（负责人）姓名
法定代表人公民身份号码|FDDBRGMSFHM|legal_rep_id_no|C|18|s,id=citizen_id|法定代表人（负责人）的公民身份号码
组织机构代码|ZZJGDM|org_code|C|9|id=org_code|组织机构代码（GB 11714）
注册资本（万元）|ZCZB|registered_capital|N|20||
成立日期|CLRQ|establish_date|D|8||
住所|ZS|domicile|C|200||
经营范围|JYFW|business_scope|M|4000||
市场主体类型|SCZTLX|entity_type_code|C|4||
所属行业|SSHY|industry_code|C|5||国民经济行业分类代码（GB/T 4754）|I6510
登记机关|DJJG|registration_authority|C|200||
核准日期|HZRQ|approval_date|D|8||
登记状态|DJZT|registration_status|C|2||1存续，2吊销，3注销|1
营业期限自|YYQXZ|operating_from|D|8||
营业期限至|YYQXZHI|operating_to|D|8||
联系人|LXR|contact_person|C|50||
联系电话|LXDH|phone_no|C|20|s|
注册地行政区划|ZCDXZQH|registered_region_code|C|6|id=region_code|注册地县级行政区划代码|411803
从业人数|CYRS|employee_count|I|10||
单位性质|DWXZ|org_nature|C|2||
经营状态|JYZT|operating_status|C|2||
"""

OTHER_FIELDS = """
记录编号|JLBH|record_id|C|32|pk|记录的唯一编号
名称|MC|object_name|C|200||
所属区县|SSQX|county_name|C|50||
行政区划代码|XZQHDM|region_code|C|6|id=region_code|县级行政区划代码（GB/T 2260）|411821
详细地址|XXDZ|address|C|200||
经度|JD|longitude|B|16||CGCS2000坐标系经度|112.528311
纬度|WD|latitude|B|16||CGCS2000坐标系纬度|33.990833
所属乡镇（街道）|SSXZJD|township|C|100||
状态|ZT|status_code|C|2||
开始时间|KSSJ|start_time|T|14||
结束时间|JSSJ|end_time|T|14||
负责人|FZR|person_in_charge|C|50||
管理单位|GLDW|managing_unit|C|200||
统计年度|TJND|stat_year|C|4|||2023
数量|SL|quantity|N|18||
面积（平方米）|MJ|area_sqm|N|18||
"""

COMMON_FIELDS = """
数据来源|SJLY|data_source|C|100||
业务办理编号|YWBLBH|business_no|C|40||
经办人|JBR|handler_name|C|50||
经办日期|JBRQ|handle_date|D|8||
审核人|SHR|reviewer_name|C|50||
审核日期|SHRQ|review_date|D|8||
创建时间|CJSJ|created_at|T|14||记录创建时间
更新时间|GXSJ|updated_at|T|14||记录最近更新时间
数据状态|SJZT|record_status|C|1||1有效，0无效|1
备注|BZ|remarks|C|500||
删除标志|SCBZ|deleted_flag|L|1||
数据版本号|SJBBH|data_version|I|10||
同步时间|TBSJ|sync_time|T|14||推送至共享交换平台的时间
"""

# -- departments ---------------------------------------------------------------------

DOMAINS: tuple[Domain, ...] = (
    _d("ga", "{city}公安局", "公安局", "公安", "11", 3.0,
       "治安管理支队 人口与出入境管理支队 交通警察支队 科技信息化支队 刑事侦查支队",
       "全国人口信息管理系统 公安交通管理综合应用平台 治安管理信息系统 警务综合平台",
       "户籍管理、治安管理和道路交通管理", "人口服务管理、社会治理和公共安全",
       """
户号|HH|household_no|C|20||
户籍登记日期|HJDJRQ|household_reg_date|D|8||
迁入日期|QRRQ|move_in_date|D|8||
迁出日期|QCRQ|move_out_date|D|8||
迁移原因|QYYY|migration_reason|C|2||
号牌号码|HPHM|plate_no|C|15|s|机动车号牌号码
号牌种类|HPZL|plate_type|C|2||号牌种类代码（GA 24.7）|02
车辆识别代号|CLSBDH|vin|C|17||
车辆品牌|CLPP|vehicle_brand|C|100||
车身颜色|CSYS|vehicle_color|C|5||
初次登记日期|CCDJRQ|first_reg_date|D|8||
准驾车型|ZJCX|permitted_class|C|15|||C1
驾驶证档案编号|JSZDABH|license_file_no|C|12||
累积记分|LJJF|accumulated_points|I|3||
违法行为代码|WFXWDM|violation_code|C|5||
违法时间|WFSJ|violation_time|T|14||
违法地点|WFDD|violation_place|C|200||
事故发生时间|SGFSSJ|accident_time|T|14||
事故地点|SGDD|accident_place|C|200||
死亡人数|SWRS|deaths|I|5||
受伤人数|SSRS|injuries|I|5||
入住时间|RZSJ|checkin_time|T|14||
退房时间|TFSJ|checkout_time|T|14||
旅馆名称|LGMC|hotel_name|C|200||
证件类型|ZJLX|document_type|C|3||证件类型代码|111
证件号码|ZJHM|document_no|C|30|s|
签发机关|QFJG|issuing_authority|C|100||
有效期限起始日期|YXQXQSRQ|valid_from|D|8||
有效期限截止日期|YXQXJZRQ|valid_to|D|8||
受理单位|SLDW|accepting_unit|C|100||
案件编号|AJBH|case_no|C|30||
案件类别|AJLB|case_category|C|4||
点位编号|DWBH|camera_point_no|C|20||
设备类型|SBLX|device_type|C|2||
""", """
户籍人口基本信息|P|01|10
流动人口登记信息|P||10
居住证办理信息|P||01
居民身份证电子证照信息|P|05|
户口迁移信息|P|01|
出生登记户口信息|P|01|
死亡注销户口信息|P|01|
机动车登记信息|P||
机动车驾驶人信息|P||
机动车驾驶证电子证照信息|P|05|
道路交通事故信息|O||12
交通违法处理信息|P||
旅馆业住宿登记信息|P||12
出入境证件办理信息|P||01
公章刻制备案信息|L||
保安服务公司许可信息|L||
剧毒化学品购买许可信息|L||05
犬只登记信息|P||10
治安案件信息|O||12
视频监控点位信息|O||12
"""),
    _d("scjg", "{city}市场监督管理局", "市场监督管理局", "市场监管", "11", 3.0,
       "登记注册科 信用监督管理科 食品经营监管科 特种设备安全监察科 执法稽查支队 知识产权科",
       "市场主体登记注册系统 国家企业信用信息公示系统 食品安全监管信息平台 特种设备动态监管系统",
       "市场主体登记注册、食品安全监管和市场执法", "市场准入、信用监管和食品安全治理",
       """
注册号|ZCH|registration_no|C|15||
企业名称|QYMC|enterprise_name|C|200||
经营者姓名|JYZXM|operator_name|C|50|s|
组成形式|ZCXS|composition_form|C|1||
许可证编号|XKZBH|license_no|C|30||
许可项目|XKXM|licensed_items|C|500||
发证日期|FZRQ|issue_date|D|8||
有效期至|YXQZ|valid_until|D|8||
发证机关|FZJG|issuing_authority|C|200||
处罚决定书文号|CFJDSWH|penalty_doc_no|C|100||
违法行为类型|WFXWLX|violation_type|C|200||
处罚内容|CFNR|penalty_content|C|1000||
罚款金额（万元）|FKJE|fine_amount|Y|18||
处罚决定日期|CFJDRQ|penalty_date|D|8||
列入经营异常名录原因|LRJYYCMLYY|listing_reason|C|500||
列入日期|LRRQ|listing_date|D|8||
移出日期|YCRQ|removal_date|D|8||
抽检样品名称|CJYPMC|sample_name|C|200||
抽检结果|CJJG|sample_result|C|10||
不合格项目|BHGXM|failed_items|C|500||
检验机构|JYJG|testing_agency|C|200||
年报年度|NBND|report_year|C|4|||2023
资产总额（万元）|ZCZE|total_assets|Y|18||
营业总收入（万元）|YYZSR|total_revenue|Y|18||
设备种类|SBZL|equipment_category|C|4||
使用登记证编号|SYDJZBH|use_reg_cert_no|C|30||
投诉举报编号|TSJBBH|complaint_no|C|30||
投诉内容|TSNR|complaint_content|M|2000||
""", """
企业登记注册信息|L|02|08
个体工商户登记信息|L|02|
农民专业合作社登记信息|L|02|
营业执照电子证照信息|L|05|
市场主体年度报告信息|L||08
经营异常名录信息|L|04|08
严重违法失信企业名单信息|L|04|08
市场监管行政处罚信息|L|04|08
食品经营许可证信息|L|05|04
食品生产许可证信息|L|05|04
药品零售企业许可信息|L||04
医疗器械经营备案信息|L||04
特种设备使用登记信息|L||05
计量器具强制检定信息|L||
食品安全抽检信息|O||04
产品质量监督抽查信息|L||
消费投诉举报信息|O||01
商标质押登记信息|L||
专利资助奖励信息|L||
价格监督检查信息|L||06
"""),
    _d("rs", "{city}人力资源和社会保障局", "人力资源和社会保障局", "人社", "11", 2.5,
       "社会保险管理科 就业促进科 职业能力建设科 劳动保障监察支队 劳动人事争议仲裁院",
       "社会保险信息管理系统 公共就业服务信息系统 社会保障卡管理系统 劳动保障监察信息系统",
       "社会保险经办、就业服务和劳动关系管理", "社会保障待遇核验、就业服务和政务服务“一网通办”",
       """
社会保障卡号|SBKH|ssc_card_no|C|20|s|
个人编号|GRBH|person_no|C|20||
参保险种|CBXZ|insurance_type|C|3||险种类型代码|110
参保状态|CBZT|insured_status|C|1||
参保日期|CBRQ|insured_date|D|8||
缴费基数（元）|JFJS|contribution_base|Y|18||
累计缴费月数|LJJFYS|months_paid|I|4||
单位编号|DWBH|employer_no|C|20||
待遇类型|DYLX|benefit_type|C|3||
发放金额（元）|FFJE|benefit_amount|Y|18||
发放年月|FFNY|pay_month|C|6|||202401
就业形式|JYXS|employment_form|C|2||
就业登记日期|JYDJRQ|employment_reg_date|D|8||
失业原因|SYYY|unemployment_reason|C|2||
证书编号|ZSBH|certificate_no|C|30||
职业（工种）名称|ZYGZMC|occupation_name|C|100||
技能等级|JNDJ|skill_level|C|1||
工伤认定结论|GSRDJL|injury_conclusion|C|2||
事故发生日期|SGFSRQ|accident_date|D|8||
岗位名称|GWMC|position_name|C|100||
招聘人数|ZPRS|vacancies|I|5||
薪资待遇|XZDY|salary_range|C|50||
贷款金额（万元）|DKJE|loan_amount|Y|18||
工资支付状态|GZZFZT|wage_pay_status|C|1||
""", """
社会保障卡持卡人员信息|P|01|03
社会保障卡电子证照信息|P|05|03
企业职工基本养老保险参保信息|P||03
城乡居民基本养老保险参保信息|P||03
失业保险金领取人员信息|P||03
工伤认定信息|P||03
养老保险待遇发放信息|P||03
就业登记信息|P||01
失业登记信息|P||01
职业技能等级证书信息|P|05|01
专业技术人员职称信息|P||
人力资源服务机构许可信息|L||
劳动保障监察案件信息|L||
劳动人事争议仲裁案件信息|O||
用人单位参保登记信息|L|02|03
招聘岗位信息|L||01
创业担保贷款信息|P||01
农民工工资支付监控信息|L||
"""),
    _d("wj", "{city}卫生健康委员会", "卫生健康委员会", "卫生健康", "11", 2.0,
       "医政医管科 疾病预防控制科 妇幼健康科 基层卫生健康科 综合监督执法支队",
       "全民健康信息平台 妇幼保健信息系统 免疫规划信息系统 传染病网络直报系统",
       "医疗服务监管、妇幼保健和疾病预防控制", "健康服务、出生“一件事”办理和公共卫生管理",
       """
出生医学证明编号|CSYXZMBH|birth_cert_no|C|10||
新生儿姓名|XSEXM|newborn_name|C|50|s|
出生时间|CSSJ|birth_time|T|14||
出生地点|CSDD|birth_place|C|200||
出生体重（克）|CSTZ|birth_weight_g|I|4||
母亲姓名|MQXM|mother_name|C|50|s|
母亲公民身份号码|MQGMSFHM|mother_id_no|C|18|s,id=citizen_id|
父亲姓名|FQXM|father_name|C|50|s|
父亲公民身份号码|FQGMSFHM|father_id_no|C|18|s,id=citizen_id|
接生机构名称|JSJGMC|delivery_institution|C|200||
死亡日期|SWRQ|death_date|D|8||
死亡原因|SWYY|death_cause|C|200|s|
根本死因编码|GBSYBM|underlying_cause_icd10|C|10|s|ICD-10编码
健康档案编号|JKDABH|health_record_no|C|20||
建档日期|JDRQ|record_date|D|8||
疫苗名称|YMMC|vaccine_name|C|100||
疫苗批号|YMPH|vaccine_lot|C|30||
接种日期|JZRQ|vaccination_date|D|8||
接种剂次|JZJC|dose_no|I|2||
接种单位|JZDW|vaccination_site|C|200||
医疗机构名称|YLJGMC|institution_name|C|200||
医疗机构类别|YLJGLB|institution_category|C|4||
诊疗科目|ZLKM|clinical_departments|C|500||
床位数|CWS|beds|I|6||
执业证书编码|ZYZSBM|practice_cert_no|C|30||
执业类别|ZYLB|practice_category|C|2||
执业范围|ZYFW|practice_scope|C|200||
传染病名称|CRBMC|disease_name|C|100|s|
报告日期|BGRQ|report_date|D|8||
签约医生|QYYS|contracted_doctor|C|50||
签约日期|QYRQ|contract_date|D|8||
""", """
出生医学证明信息|P|01|02
死亡医学证明信息|P|01|02
居民电子健康档案信息|P||02
预防接种信息|P||02
医疗机构执业许可信息|L|05|02
医师执业注册信息|P|05|02
护士执业注册信息|P|05|02
母婴保健技术服务信息|L||02
计划生育特殊家庭扶助信息|P||03
传染病报告信息|O||02
家庭医生签约服务信息|P||02
公共场所卫生许可信息|L||02
放射诊疗许可信息|L||
医疗机构床位资源信息|L||02
急救调度信息|O||12
独生子女父母奖励信息|P||03
"""),
    _d("jy", "{city}教育局", "教育局", "教育", "11", 1.5,
       "基础教育科 学生资助管理中心 教师工作科 民办教育管理科 招生考试中心",
       "全国中小学生学籍信息管理系统 学生资助管理信息系统 教师管理信息系统 招生考试报名系统",
       "学籍管理、招生考试和学生资助", "入学服务、学生资助精准认定和教育统计",
       """
学籍号|XJH|student_no|C|19|s|
学校名称|XXMC|school_name|C|200||
学校标识码|XXBSM|school_code|C|10||
年级|NJ|grade|C|2||
班级|BJ|class_name|C|20||
入学日期|RXRQ|enrol_date|D|8||
学生类别|XSLB|student_category|C|2||
就读方式|JDFS|attendance_mode|C|1||
是否随迁子女|SFSQZN|is_migrant_child|L|1||
资助项目|ZZXM|aid_program|C|100||
资助金额（元）|ZZJE|aid_amount|Y|18||
教师资格种类|JSZGZL|teacher_cert_type|C|2||
任教学科|RJXK|subject_taught|C|50||
资格证书号码|ZGZSHM|cert_no|C|20||
办学许可证号|BXXKZH|school_license_no|C|30||
办学类型|BXLX|school_type|C|3||
在校生数|ZXSS|enrolment|I|6||
专任教师数|ZRJSS|teacher_count|I|6||
考生号|KSH|candidate_no|C|14||
总成绩|ZCJ|total_score|N|5||
校车牌号|XCPH|bus_plate_no|C|15||
""", """
中小学学生学籍信息|P|01|01
学前教育幼儿信息|P||01
教师资格认定信息|P|05|01
教职工基本信息|P||
民办学校办学许可信息|L||01
学校基本情况信息|L||01
义务教育招生入学信息|P||01
学生资助信息|P||03
校车使用许可信息|L||05
中考成绩信息|P||
教育经费统计信息|O||
校外培训机构信息|L||01
"""),
    _d("mz", "{city}民政局", "民政局", "民政", "11", 2.0,
       "社会救助科 婚姻登记处 社会组织管理科 养老服务科 区划地名科 社会事务科",
       "全国婚姻登记信息系统 社会救助信息系统 社会组织管理信息系统 养老服务信息平台",
       "社会救助、婚姻登记和社会组织管理", "救助对象认定、婚姻状况核验和基层社会治理",
       """
婚姻登记类别|HYDJLB|marriage_reg_type|C|1||1结婚，2离婚，3补领|1
登记日期|DJRQ|reg_date|D|8||
结婚证字号|JHZZH|marriage_cert_no|C|30||
男方姓名|NFXM|husband_name|C|50|s|
男方公民身份号码|NFGMSFHM|husband_id_no|C|18|s,id=citizen_id|
女方姓名|NVFXM|wife_name|C|50|s|
女方公民身份号码|NVFGMSFHM|wife_id_no|C|18|s,id=citizen_id|
救助类别|JZLB|assistance_type|C|2||
保障人口数|BZRKS|covered_persons|I|3||
月保障金额（元）|YBZJE|monthly_benefit|Y|18||
享受起始年月|XSQSNY|benefit_from|C|6|||202301
家庭人均收入（元）|JTRJSR|household_income_pc|Y|18|s|
银行账号|YHZH|bank_account|C|30|s|
开户银行|KHYH|bank_name|C|100||
社会组织名称|SHZZMC|social_org_name|C|200||
社会组织类型|SHZZLX|social_org_type|C|1||1社会团体，2民办非企业单位，3基金会
业务主管单位|YWZGDW|supervising_unit|C|200||
残疾等级|CJDJ|disability_grade|C|2|s|
补贴类型|BTLX|subsidy_type|C|2||
地名代码|DMDM|place_name_code|C|20||
标准地名|BZDM|standard_place_name|C|100||
地名类别|DMLB|place_category|C|4||
社区名称|SQMC|community_name|C|100||
火化日期|HHRQ|cremation_date|D|8||
""", """
婚姻登记信息|P|01|10
结婚证电子证照信息|P|05|
最低生活保障对象信息|P||03
特困人员供养信息|P||03
临时救助信息|P||03
社会组织登记信息|L|02|10
养老机构备案信息|L||03
高龄津贴发放信息|P||03
残疾人两项补贴信息|P||03
殡葬服务信息|P||01
地名信息|O|03|
城乡社区信息|O||10
慈善组织认定信息|L||
困境儿童保障信息|P||03
"""),
    _d("zrzy", "{city}自然资源和规划局", "自然资源局", "自然资源", "11", 2.0,
       "不动产登记中心 国土空间规划科 耕地保护监督科 测绘地理信息科 地质勘查管理科",
       "不动产登记信息管理平台 国土空间基础信息平台 国土空间规划“一张图”实施监督系统",
       "不动产登记、国土空间规划和耕地保护", "国土空间治理、不动产交易和项目审批",
       """
不动产单元号|BDCDYH|real_estate_unit_no|C|28||
不动产权证号|BDCQZH|title_cert_no|C|50||
权利人|QLR|right_holder|C|200|s|
共有情况|GYQK|co_ownership|C|2||
坐落|ZL|location|C|200||
权利类型|QLLX|right_type|C|2||
权利性质|QLXZ|right_nature|C|2||
用途|YT|land_use_code|C|4||
宗地面积（平方米）|ZDMJ|parcel_area|N|18||
建筑面积（平方米）|JZMJ|floor_area|N|18||
登记时间|DJSJ|reg_time|T|14||
图斑编号|TBBH|patch_no|C|20||
地类编码|DLBM|land_class_code|C|4||第三次全国国土调查地类编码|0101
地类名称|DLMC|land_class_name|C|50||
图斑面积（平方米）|TBMJ|patch_area|N|18||
权属单位名称|QSDWMC|owner_unit|C|200||
规划许可证号|GHXKZH|planning_permit_no|C|50||
项目名称|XMMC|project_name|C|200||
用地面积（平方米）|YDMJ|site_area|N|18||
容积率|RJL|plot_ratio|N|6||
成交价款（万元）|CJJK|deal_price|Y|18||
隐患点编号|YHDBH|hazard_point_no|C|20||
灾害类型|ZHLX|hazard_type|C|2||
威胁人数|WXRS|threatened_people|I|6||
几何图形|JHTX|geometry|G|||空间范围（WKT）
""", """
不动产权证书电子证照信息|P|05|09
土地利用现状数据|O|03|11
基础测绘成果数据|O|03|
国土空间规划数据|O|03|09
建设用地规划许可信息|L||09
建设工程规划许可信息|L||09
土地出让信息|L||09
矿业权登记信息|L||
地质灾害隐患点信息|O||12
耕地保护目标责任信息|O||11
永久基本农田信息|O|03|11
建设项目用地预审信息|L||
测绘资质信息|L||
"""),
    _d("zj", "{city}住房和城乡建设局", "住房和城乡建设局", "住房城乡建设", "11", 2.0,
       "房地产市场监管科 建筑市场监管科 住房保障科 城市建设科 工程质量安全监督站",
       "房地产交易管理系统 建筑市场监管公共服务平台 住房保障信息系统 施工许可管理系统",
       "房地产市场监管、建筑市场管理和住房保障", "住房交易服务、工程项目审批和住房保障资格审核",
       """
项目名称|XMMC|project_name|C|200||
预售许可证号|YSXKZH|presale_permit_no|C|50||
预售面积（平方米）|YSMJ|presale_area|N|18||
合同编号|HTBH|contract_no|C|50||
房屋坐落|FWZL|house_location|C|200||
成交总价（元）|CJZJ|total_price|Y|18|s|
买受人|MSR|buyer_name|C|200|s|
资质证书编号|ZZZSBH|qualification_cert_no|C|30||
资质类别及等级|ZZLBJDJ|qualification_grade|C|200||
施工许可证编号|SGXKZBH|construction_permit_no|C|30||
建设单位|JSDW|developer|C|200||
施工单位|SGDW|contractor|C|200||
监理单位|JLDW|supervisor|C|200||
合同价格（万元）|HTJG|contract_price|Y|18||
保障方式|BZFS|housing_support_type|C|1||
租赁补贴金额（元）|ZLBTJE|rent_subsidy|Y|18||
租赁合同备案号|ZLHTBAH|lease_filing_no|C|30||
月租金（元）|YZJ|monthly_rent|Y|18||
小区名称|XQMC|estate_name|C|200||
改造户数|GZHS|households_renovated|I|6||
注册证书编号|ZCZSBH|registration_cert_no|C|30||
注册专业|ZCZY|registered_specialty|C|50||
安全生产许可证编号|AQSCXKZBH|safety_permit_no|C|30||
""", """
商品房预售许可信息|L||09
商品房网签备案信息|P||09
建筑业企业资质信息|L|05|09
建筑工程施工许可信息|L||09
房地产开发企业资质信息|L||09
公租房保障对象信息|P||03
住房租赁合同备案信息|P||09
建设工程质量监督信息|L||05
城市燃气经营许可信息|L||07
物业服务企业信息|L||10
老旧小区改造项目信息|O||09
建筑施工企业安全生产许可信息|L||05
注册建造师信息|P||
"""),
    _d("ny", "{city}农业农村局", "农业农村局", "农业农村", "11", 1.5,
       "农村经营管理科 种植业管理科 畜牧兽医科 农产品质量安全监管科 农业综合行政执法支队",
       "农村土地承包经营权信息应用平台 农产品质量安全追溯平台 农机购置补贴辅助管理系统",
       "农村土地承包管理、农产品质量监管和强农惠农补贴发放", "涉农补贴精准发放、农产品质量追溯和乡村振兴",
       """
承包方编码|CBFBM|contractor_code|C|18||
承包地块编码|CBDKBM|plot_code|C|19||
承包面积（亩）|CBMJ|contract_area_mu|N|18||
承包期限|CBQX|contract_term|C|50||
农场名称|NCMC|farm_name|C|200||
经营面积（亩）|JYMJ|operating_area_mu|N|18||
主营产业|ZYCY|main_industry|C|100||
检测样品|JCYP|test_sample|C|100||
检测项目|JCXM|test_item|C|200||
检测结果|JCJG|test_result|C|20||
补贴金额（元）|BTJE|subsidy_amount|Y|18||
补贴面积（亩）|BTMJ|subsidy_area_mu|N|18||
机具品目|JJPM|machine_category|C|100||
出厂编号|CCBH|factory_no|C|50||
养殖品种|YZPZ|livestock_type|C|50||
存栏量（头）|CLL|stock_count|I|10||
设计规模|SJGM|design_capacity|C|100||
建设面积（亩）|JSMJ|construction_area_mu|N|18||
经营场所|JYCS|business_premises|C|200||
""", """
农村土地承包经营权信息|P||
家庭农场名录信息|L||
农产品质量安全检测信息|O||04
农药经营许可信息|L||04
兽药经营许可信息|L||04
动物防疫条件合格证信息|L||
农机购置补贴信息|P||
耕地地力保护补贴信息|P||
新型农业经营主体信息|L||
畜禽养殖场备案信息|L||11
农村集体经济组织登记信息|L|02|
高标准农田建设项目信息|O||
"""),
    _d("yj", "{city}应急管理局", "应急管理局", "应急管理", "11", 1.5,
       "危险化学品安全监督管理科 安全生产基础科 风险监测和综合减灾科 应急指挥中心 安全生产执法支队",
       "安全生产监管信息平台 自然灾害灾情管理系统 应急资源管理平台 危险化学品登记信息系统",
       "安全生产监管、自然灾害救助和应急指挥", "风险防控、应急处置和安全生产执法",
       """
企业名称|QYMC|enterprise_name|C|200||
许可证编号|XKZBH|license_no|C|30||
许可范围|XKFW|licensed_scope|C|1000||
危险化学品名称|WXHXPMC|chemical_name|C|200||
CAS号|CASH|cas_no|C|20||
重大危险源等级|ZDWXYDJ|major_hazard_level|C|1||
事故类型|SGLX|accident_type|C|2||
事故发生时间|SGFSSJ|accident_time|T|14||
死亡人数|SWRS|deaths|I|5||
受伤人数|SSRS|injuries|I|5||
直接经济损失（万元）|ZJJJSS|direct_loss|Y|18||
灾害种类|ZHZL|disaster_type|C|2||
受灾人口（人）|SZRK|affected_population|I|10||
农作物受灾面积（公顷）|NZWSZMJ|crop_damage_area|N|18||
避难场所名称|BNCSMC|shelter_name|C|200||
可容纳人数|KRNRS|capacity|I|8||
物资名称|WZMC|material_name|C|100||
储备数量|CBSL|reserve_quantity|N|18||
计量单位|JLDW|unit_of_measure|C|10||
救援队伍名称|JYDWMC|rescue_team|C|200||
队员人数|DYRS|team_size|I|5||
检查日期|JCRQ|inspection_date|D|8||
执法文书编号|ZFWSBH|enforcement_doc_no|C|50||
作业类别|ZYLB|operation_category|C|4||
""", """
危险化学品经营许可信息|L||05
安全生产许可证信息|L||05
安全生产行政执法信息|L||05
生产安全事故信息|O||05
自然灾害灾情信息|O||12
应急避难场所信息|O||12
应急物资储备信息|O||12
重大危险源备案信息|L||05
应急救援队伍信息|O||12
防汛抗旱物资信息|O||12
特种作业操作证信息|P|05|05
"""),
    _d("fgw", "{city}发展和改革委员会", None, "发展改革", "11", 1.2,
       "社会信用体系建设科 价格管理科 固定资产投资科 能源发展科 经济运行调节科",
       "信用信息共享平台 投资项目在线审批监管平台 价格监测信息系统 能源统计监测系统",
       "社会信用体系建设、投资项目管理和价格监测", "信用联合奖惩、投资审批和宏观经济监测",
       """
项目代码|XMDM|project_code|C|24||投资项目统一代码
项目名称|XMMC|project_name|C|200||
建设地点|JSDD|construction_site|C|200||
总投资（万元）|ZTZ|total_investment|Y|18||
建设规模及内容|JSGMJNR|construction_scope|M|2000||
审批文号|SPWH|approval_doc_no|C|100||
审批日期|SPRQ|approval_date|D|8||
评价年度|PJND|evaluation_year|C|4|||2023
信用评价等级|XYPJDJ|credit_grade|C|2||
评价分值|PJFZ|credit_score|N|6||
商品名称|SPMC|commodity_name|C|100||
规格等级|GGDJ|specification|C|100||
计量单位|JLDW|unit_of_measure|C|10||
价格（元）|JG|price|Y|18||
监测日期|JCRQ|monitoring_date|D|8||
监测点名称|JCDMC|monitoring_point|C|100||
能源品种|NYPZ|energy_type|C|20||
消费量（吨标准煤）|XFL|consumption_tce|N|18||
失信行为类型|SXXWLX|dishonesty_type|C|50||
认定部门|RDBM|determining_authority|C|200||
承诺事项|CNSX|commitment_matter|C|500||
承诺日期|CNRQ|commitment_date|D|8||
""", """
公共信用综合评价信息|L|04|08
行政许可和行政处罚双公示信息|L|04|08
信用承诺信息|L|04|08
守信激励和失信惩戒对象名单信息|L|04|08
政府定价目录信息|O||06
重要商品和服务价格监测信息|O||06
价格认定信息|O||06
固定资产投资项目审批核准备案信息|L||
重点项目建设进度信息|O||09
重点用能单位能源消费信息|L||07
电力供需运行信息|O||07
企业投资项目在线审批信息|L||
"""),
    _d("kj", "{city}科学技术局", None, "科技", "11", 0.6,
       "高新技术发展科 科技计划管理科 成果转化与合作科",
       "科技管理信息系统 技术合同登记系统",
       "科技计划管理和科技企业培育", "科技企业培育、惠企政策兑现和科技统计",
       """
项目名称|XMMC|project_name|C|200||
项目编号|XMBH|project_no|C|30||
承担单位|CDDW|undertaking_unit|C|200||
证书编号|ZSBH|certificate_no|C|30||
认定日期|RDRQ|recognition_date|D|8||
有效期至|YXQZ|valid_until|D|8||
技术领域|JSLY|technology_field|C|100||
研发投入（万元）|YFTR|rd_expense|Y|18||
合同编号|HTBH|contract_no|C|50||
成交金额（万元）|CJJE|deal_amount|Y|18||
成果名称|CGMC|achievement_name|C|200||
立项年度|LXND|approval_year|C|4|||2022
资助金额（万元）|ZZJE|funding_amount|Y|18||
""", """
高新技术企业认定信息|L||
科技型中小企业评价信息|L||
科技计划项目信息|L||
技术合同登记信息|L||
科技特派员信息|P||
众创空间备案信息|L||
科技成果登记信息|O||
"""),
    _d("gxj", "{city}工业和信息化局", None, "工业和信息化", "11", 0.8,
       "运行监测协调科 中小企业服务科 节能与综合利用科 信息化推进科",
       "工业经济运行监测平台 中小企业公共服务平台 工业节能监察系统",
       "工业经济运行监测和中小企业服务", "工业运行分析、惠企政策兑现和节能监察",
       """
企业名称|QYMC|enterprise_name|C|200||
工业总产值（万元）|GYZCZ|industrial_output|Y|18||
营业收入（万元）|YYSR|operating_revenue|Y|18||
利润总额（万元）|LRZE|total_profit|Y|18||
综合能耗（吨标准煤）|ZHNH|energy_use_tce|N|18||
项目名称|XMMC|project_name|C|200||
计划投资（万元）|JHTZ|planned_investment|Y|18||
认定年度|RDND|recognition_year|C|4|||2023
园区名称|YQMC|park_name|C|200||
基站编号|JZBH|base_station_no|C|30||
许可证编号|XKZBH|license_no|C|30||
统计月份|TJYF|stat_month|C|6|||202312
""", """
规模以上工业企业运行信息|L||07
工业企业技术改造项目信息|L||
专精特新中小企业信息|L||
重点用能工业企业能耗信息|L||07
通信基础设施建设信息|O||09
工业园区信息|O||
民用爆炸物品销售许可信息|L||05
无线电台执照信息|L||
"""),
    _d("sf", "{city}司法局", None, "司法行政", "11", 0.8,
       "律师工作科 公共法律服务管理科 人民参与和促进法治科 社区矫正管理科 行政复议科",
       "全国律师综合管理平台 社区矫正信息管理系统 人民调解信息系统 法律援助管理系统",
       "律师公证管理、社区矫正和公共法律服务", "公共法律服务、社会矛盾化解和基层治理",
       """
执业证号|ZYZH|practice_license_no|C|17||
执业机构|ZYJG|practice_firm|C|200||
执业状态|ZYZT|practice_status|C|1||
首次执业日期|SCZYRQ|first_practice_date|D|8||
案件编号|AJBH|case_no|C|30||
纠纷类型|JFLX|dispute_type|C|2||
调解结果|TJJG|mediation_result|C|2||
受理日期|SLRQ|accept_date|D|8||
矫正类别|JZLB|correction_type|C|2|s|
矫正期限|JZQX|correction_term|C|20|s|
援助事项|YZSX|aid_matter|C|200||
鉴定类别|JDLB|appraisal_type|C|20||
复议决定|FYJD|review_decision|C|2||
释放日期|SFRQ|release_date|D|8|s|
""", """
律师执业信息|P|05|
律师事务所执业许可信息|L||
公证员执业信息|P||
人民调解案件信息|O||10
社区矫正对象信息|P||12
法律援助案件信息|P||01
司法鉴定机构信息|L||
行政复议案件信息|O||
基层法律服务工作者信息|P||
刑满释放人员安置帮教信息|P||12
"""),
    _d("cz", "{city}财政局", None, "财政", "11", 0.8,
       "预算科 国库科 政府采购监督管理科 资产管理科 会计科",
       "预算管理一体化系统 政府采购管理交易系统 行政事业单位资产管理信息系统 非税收入收缴系统",
       "预算管理、政府采购和国有资产管理", "财政资金监管、惠民补贴发放和政府采购监督",
       """
项目名称|XMMC|project_name|C|200||
采购项目编号|CGXMBH|procurement_no|C|50||
采购方式|CGFS|procurement_method|C|2||
预算金额（万元）|YSJE|budget_amount|Y|18||
中标金额（万元）|ZBJE|award_amount|Y|18||
供应商名称|GYSMC|supplier_name|C|200||
预算单位|YSDW|budget_unit|C|200||
功能科目|GNKM|function_subject|C|20||
支出金额（元）|ZCJE|expenditure|Y|18||
缴款书编号|JKSBH|payment_voucher_no|C|30||
收入项目|SRXM|revenue_item|C|100||
资产编号|ZCBH|asset_no|C|30||
资产原值（元）|ZCYZ|asset_value|Y|18||
补贴项目|BTXM|subsidy_program|C|100||
补贴金额（元）|BTJE|subsidy_amount|Y|18||
""", """
政府采购项目信息|L||
政府采购供应商信息|L||08
财政预算执行信息|O||
非税收入缴款信息|L||
行政事业单位国有资产信息|L||
代理记账机构审批信息|L||
政府债务信息|O||
惠民惠农财政补贴资金发放信息|P||03
"""),
    _d("sthj", "{city}生态环境局", None, "生态环境", "11", 1.5,
       "环境影响评价与排放管理科 大气环境科 水生态环境科 固体废物与化学品科 生态环境保护综合行政执法支队",
       "排污许可证管理信息平台 环境质量自动监测系统 污染源自动监控系统 建设项目环评审批系统",
       "排污许可、环境质量监测和生态环境执法", "污染防治攻坚、环境执法和环评审批",
       """
企业名称|QYMC|enterprise_name|C|200||
排污许可证编号|PWXKZBH|discharge_permit_no|C|30||
行业类别|HYLB|industry_category|C|100||
主要污染物种类|ZYWRWZL|main_pollutants|C|200||
排放口编号|PFKBH|outlet_no|C|20||
项目名称|XMMC|project_name|C|200||
环评文件类型|HPWJLX|eia_type|C|1||
审批文号|SPWH|approval_doc_no|C|100||
监测点位名称|JCDWMC|monitoring_site|C|100||
监测时间|JCSJ|monitoring_time|T|14||
PM2.5浓度（微克/立方米）|PM25ND|pm25|N|8||
空气质量指数|KQZLZS|aqi|I|4||
断面名称|DMMC|section_name|C|100||
水质类别|SZLB|water_quality_class|C|3||
化学需氧量（毫克/升）|HXXYL|cod_mg_l|N|10||
处罚决定书文号|CFJDSWH|penalty_doc_no|C|100||
罚款金额（万元）|FKJE|fine_amount|Y|18||
经营类别|JYLB|business_category|C|100||
检测结论|JCJL|test_conclusion|C|10||
""", """
排污许可证信息|L|05|11
建设项目环境影响评价审批信息|L||11
环境空气质量监测信息|O||11
地表水水质监测信息|O||11
重点排污单位自动监控信息|L||11
生态环境行政处罚案件信息|L|04|11
危险废物经营许可信息|L||11
辐射安全许可证信息|L||11
机动车排放检验信息|P||11
突发环境事件应急预案备案信息|L||12
土壤污染重点监管单位信息|L||11
声环境质量监测信息|O||11
"""),
    _d("cg", "{city}城市管理局", None, "城市管理", "11", 0.8,
       "市容环境卫生管理科 市政设施管理科 数字化城市管理中心 城市管理综合执法支队",
       "数字化城市管理信息系统 市政设施管理系统 城市管理综合执法系统",
       "市容环境、市政设施管理和城市管理执法", "城市精细化管理和基层社会治理",
       """
案件编号|AJBH|case_no|C|30||
问题类型|WTLX|issue_type|C|4||
问题描述|WTMS|issue_description|C|1000||
上报时间|SBSJ|report_time|T|14||
结案时间|JASJ|close_time|T|14||
许可证编号|XKZBH|license_no|C|30||
申请单位|SQDW|applicant|C|200||
设置地点|SZDD|setting_place|C|200||
设施编号|SSBH|facility_no|C|30||
设施类型|SSLX|facility_type|C|4||
处理能力（吨/日）|CLNL|capacity_t_per_day|N|10||
路灯数量|LDSL|lamp_count|I|8||
绿地面积（平方米）|LDMJ|green_area|N|18||
""", """
数字城管案件信息|O||10
城市道路挖掘许可信息|L||09
户外广告设置许可信息|L||09
生活垃圾处理设施信息|O||11
市政设施信息|O||09
城市照明设施信息|O||09
临时占道经营审批信息|P||10
建筑垃圾处置核准信息|L||11
城市绿地信息|O||11
"""),
    _d("jt", "{city}交通运输局", None, "交通运输", "11", 1.5,
       "道路运输管理科 公路管理科 城市客运管理科 交通运输综合行政执法支队",
       "道路运政管理信息系统 城市公共交通运营监管平台 公路养护管理系统 网约车监管信息平台",
       "道路运输管理、城市客运监管和公路养护", "出行服务、运输市场监管和交通应急调度",
       """
许可证号|XKZH|license_no|C|30||
经营范围|JYFWYS|transport_scope|C|500||
车牌号码|CPHM|plate_no|C|15|s|
车辆类型|CLLX|vehicle_type|C|4||
营运证号|YYZH|operation_cert_no|C|30||
从业资格证号|CYZGZH|qualification_cert_no|C|30||
从业资格类别|CYZGLB|qualification_type|C|4||
线路编号|XLBH|route_no|C|20||
线路名称|XLMC|route_name|C|100||
起点站|QDZ|origin_stop|C|100||
终点站|ZDZ|terminal_stop|C|100||
站点编号|ZDBH|stop_no|C|20||
路线编码|LXBM|road_code|C|10||
里程（公里）|LC|mileage_km|N|10||
技术等级|JSDJ|technical_grade|C|2||
养护日期|YHRQ|maintenance_date|D|8||
""", """
道路运输经营许可信息|L|05|
道路运输车辆营运证信息|L||
道路运输从业人员资格证信息|P|05|
出租汽车驾驶员信息|P||01
网络预约出租汽车车辆信息|P||01
公交线路信息|O||01
公交站点信息|O||01
公路养护信息|O||
交通运输行政执法信息|L||
港口经营许可信息|L||
超限运输车辆行驶公路许可信息|L||
公路里程信息|O|03|
"""),
    _d("sl", "{city}水利局", None, "水利", "11", 0.8,
       "水资源管理科 河湖管理科 水旱灾害防御科 农村水利水电科 水土保持科",
       "取水许可管理系统 水资源监控平台 河长制管理信息系统 山洪灾害监测预警系统",
       "水资源管理、河湖管理和水旱灾害防御", "水资源监管、防汛调度和河湖长制考核",
       """
取水许可证编号|QSXKZBH|water_permit_no|C|30||
取水地点|QSDD|intake_location|C|200||
年取水量（万立方米）|NQSL|annual_withdrawal|N|18||
取水用途|QSYT|water_use|C|50||
监测站名称|JCZMC|station_name|C|100||
监测时间|JCSJ|monitoring_time|T|14||
水位（米）|SW|water_level|N|10||
流量（立方米/秒）|LL|flow_rate|N|10||
雨量（毫米）|YL|rainfall_mm|N|10||
河湖名称|HHMC|river_lake_name|C|100||
河长姓名|HZXM|river_chief_name|C|50||
水库名称|SKMC|reservoir_name|C|100||
总库容（万立方米）|ZKR|total_capacity|N|18||
工程名称|GCMC|project_name|C|200||
受益人口|SYRK|beneficiaries|I|10||
""", """
取水许可信息|L||11
水资源监测信息|O|03|11
河湖管理范围划定信息|O|03|11
水库基本信息|O||12
河长制工作信息|O||11
水土保持方案审批信息|L||11
农村供水工程信息|O||01
水文站点监测信息|O||12
防汛责任人信息|P||12
水利工程建设项目信息|L||
"""),
    _d("sw", "{city}商务局", None, "商务", "11", 0.8,
       "对外贸易科 外国投资管理科 市场运行和消费促进科 流通业发展科",
       "商务综合管理平台 外商投资信息报告系统 重要产品追溯管理平台 生活必需品市场监测系统",
       "对外贸易、外商投资和市场运行监测", "稳外贸稳外资、市场保供和消费促进",
       """
企业名称|QYMC|enterprise_name|C|200||
备案登记表编号|BADJBBH|filing_no|C|30||
进出口企业代码|JCKQYDM|trade_code|C|20||
投资总额（万美元）|TZZE|total_investment_usd|Y|18||
投资方国别|TZFGB|investor_country|C|3||
许可证编号|XKZBH|license_no|C|30||
发卡规模（万元）|FKGM|card_issuance|Y|18||
商品名称|SPMC|commodity_name|C|100||
零售价格（元）|LSJG|retail_price|Y|18||
监测日期|JCRQ|monitoring_date|D|8||
追溯码|ZSM|trace_code|C|40||
交易量（辆）|JYL|transactions|I|10||
""", """
对外贸易经营者备案信息|L||
外商投资企业信息|L||
成品油零售经营许可信息|L||07
单用途商业预付卡备案信息|L||
再生资源回收经营者备案信息|L||
拍卖企业信息|L||
肉菜重要产品追溯信息|O||04
生活必需品市场监测信息|O||06
二手车交易市场信息|L||
"""),
    _d("wl", "{city}文化广电和旅游局", None, "文化旅游", "11", 1.0,
       "文化市场管理科 旅游市场管理科 公共服务科 文物科 文化市场综合执法支队",
       "全国旅游监管服务平台 文化市场技术监管与服务平台 智慧旅游监测平台",
       "文化市场管理、旅游监管和公共文化服务", "文旅公共服务、市场监管和游客流量预警",
       """
许可证编号|XKZBH|license_no|C|30||
经营场所地址|JYCSDZ|premises_address|C|200||
景区名称|JQMC|scenic_spot_name|C|100||
景区等级|JQDJ|scenic_grade|C|2||
最大承载量（人次）|ZDCZL|max_capacity|I|10||
导游证号|DYZH|guide_cert_no|C|30||
语种|YZ|language|C|20||
文物保护单位名称|WWBHDWMC|heritage_site_name|C|100||
保护级别|BHJB|protection_level|C|2||
年代|ND|era|C|50||
借阅人次|JYRC|loans|I|10||
演出名称|YCMC|performance_name|C|200||
监测时间|JCSJ|monitoring_time|T|14||
在园人数|ZYRS|visitors_in_park|I|10||
""", """
旅行社业务经营许可信息|L||01
A级旅游景区信息|O||01
导游证信息|P|05|
互联网上网服务营业场所许可信息|L||
娱乐场所经营许可信息|L||
文物保护单位信息|O|03|
公共图书馆服务信息|O||01
广播电视传输覆盖信息|O||
营业性演出许可信息|L||
旅游景区客流监测信息|O||01
"""),
    _d("tyjr", "{city}退役军人事务局", None, "退役军人事务", "11", 0.7,
       "移交安置科 就业创业科 优抚科 褒扬纪念科",
       "退役军人信息管理系统 优抚对象信息管理系统",
       "退役军人移交安置、优抚褒扬和就业创业服务", "优抚待遇发放、退役军人服务保障和数据比对",
       """
入伍时间|RWSJ|enlistment_date|D|8||
退役时间|TYSJ|discharge_date|D|8||
原部队番号|YBDFH|former_unit|C|100|s|
退役类别|TYLB|discharge_type|C|2||
优抚类别|YFLB|care_category|C|2||
抚恤补助标准（元/月）|FXBZBZ|monthly_allowance|Y|18||
安置方式|AZFS|placement_method|C|2||
安置单位|AZDW|placement_unit|C|200||
就业状态|JYZT|employment_status|C|2||
烈士姓名|LSXM|martyr_name|C|50||
牺牲时间|XSSJ|sacrifice_date|D|8||
悬挂日期|XGRQ|hanging_date|D|8||
""", """
退役军人基本信息|P||03
优抚对象信息|P||03
退役士兵安置信息|P||
退役军人就业创业信息|P||01
烈士褒扬信息|P||
光荣牌悬挂信息|P||
军队离退休干部服务管理信息|P||
"""),
    _d("sj", "{city}审计局", None, "审计", "11", 0.4,
       "财政审计科 经济责任审计科 固定资产投资审计科",
       "审计管理系统 联网审计平台",
       "审计监督", "审计整改督办和政府投资监管",
       """
审计项目名称|SJXMMC|audit_project|C|200||
审计项目编号|SJXMBH|audit_project_no|C|30||
被审计单位|BSJDW|audited_unit|C|200||
审计期间|SJQJ|audit_period|C|50||
问题类型|WTLX|issue_type|C|4||
问题金额（万元）|WTJE|issue_amount|Y|18||
整改状态|ZGZT|rectification_status|C|1||
整改期限|ZGQX|rectification_deadline|D|8||
报告文号|BGWH|report_no|C|100||
送审金额（万元）|SSJE|submitted_amount|Y|18||
审定金额（万元）|SDJE|approved_amount|Y|18||
""", """
审计项目信息|L||
审计发现问题整改信息|L||
审计结果公告信息|O||
领导干部经济责任审计信息|P||
政府投资项目审计信息|L||
"""),
    _d("tj", "{city}统计局", None, "统计", "11", 0.8,
       "综合核算科 人口和就业统计科 工业交通统计科 普查中心 统计执法监督科",
       "统计联网直报平台 基本单位名录库管理系统 统计数据库",
       "统计调查、经济普查和国民经济核算", "经济运行分析、政策制定和统计监督",
       """
统计期|TJQ|stat_period|C|6|||202312
指标名称|ZBMC|indicator_name|C|100||
指标值|ZBZ|indicator_value|N|20||
计量单位|JLDW|unit_of_measure|C|10||
行业代码|HYDM|industry_code|C|5||
单位规模|DWGM|unit_size|C|1||
营业收入（千元）|YYSRQY|revenue_kcny|Y|18||
从业人员期末人数|CYRYQMRS|employees|I|10||
调查户编码|DCHBM|household_code|C|20||
可支配收入（元）|KZPSR|disposable_income|Y|18|s|
消费支出（元）|XFZC|consumption|Y|18|s|
检查日期|JCRQ|inspection_date|D|8||
""", """
基本单位名录信息|L|02|
经济普查单位信息|L||
人口普查汇总数据|O|01|
国民经济主要指标数据|O||
规模以上工业统计数据|L||
居民消费价格指数数据|O||06
城乡居民收支调查数据|P||
农业生产统计数据|O||
统计执法检查信息|L||
劳动工资统计数据|L||
"""),
    _d("yb", "{city}医疗保障局", None, "医疗保障", "11", 1.5,
       "待遇保障科 医药服务管理科 基金监管科 医药价格和招标采购科",
       "医疗保障信息平台 医保电子凭证系统 医保智能监控系统",
       "医疗保障待遇经办、医药服务管理和基金监管", "医保待遇核验、异地就医结算和基金监管",
       """
医保编号|YBBH|insured_no|C|20||
参保类型|CBLX|insurance_type|C|3||
参保状态|CBZT|insured_status|C|1||
参保日期|CBRQ|insured_date|D|8||
就诊机构|JZJG|treatment_institution|C|200||
就诊日期|JZRQ|visit_date|D|8||
疾病诊断|JBZD|diagnosis|C|200|s|
医疗费总额（元）|YLFZE|total_cost|Y|18||
统筹基金支付（元）|TCJJZF|fund_payment|Y|18||
个人自付（元）|GRZF|self_payment|Y|18||
病种名称|BZMC|disease_category|C|100|s|
药品编码|YPBM|drug_code|C|30||
药品名称|YPMC|drug_name|C|200||
定点机构编码|DDJGBM|designated_code|C|20||
救助金额（元）|JZJE|assistance_amount|Y|18||
挂网价格（元）|GWJG|listed_price|Y|18||
""", """
基本医疗保险参保人员信息|P|01|02
医保电子凭证信息|P|05|02
医保定点医药机构信息|L||02
医疗费用结算信息|P||02
门诊慢特病待遇认定信息|P||02
医疗救助信息|P||03
医保药品目录信息|O||02
医药价格和招采信息|L||06
生育保险待遇信息|P||02
医保基金监管信息|L||02
"""),
    _d("ly", "{city}林业局", None, "林业", "11", 0.6,
       "资源管理科 生态修复科 自然保护地管理科 森林防火办公室",
       "林草生态综合监测系统 林木采伐管理系统 森林防火监测预警系统",
       "森林资源管理、自然保护地监管和森林防火", "生态保护修复和林业资源监管",
       """
小班号|XBH|sub_compartment_no|C|20||
林地面积（公顷）|LDMJGQ|forest_area_ha|N|18||
森林类别|SLLB|forest_category|C|2||
优势树种|YSSZ|dominant_species|C|50||
蓄积量（立方米）|XJL|growing_stock|N|18||
采伐证号|CFZH|logging_permit_no|C|30||
采伐方式|CFFS|logging_method|C|2||
采伐蓄积（立方米）|CFXJ|logging_volume|N|18||
林权证号|LQZH|forest_right_cert_no|C|30||
古树编号|GSBH|ancient_tree_no|C|20||
树种|SZ|species|C|50||
树龄（年）|SL|tree_age|I|5||
物种名称|WZMC|species_name|C|100||
保护等级|BHDJ|protection_level|C|2||
火点编号|HDBH|fire_point_no|C|20||
""", """
森林资源管理“一张图”数据|O|03|11
林木采伐许可证信息|P||11
林权登记信息|P||
古树名木信息|O|03|11
野生动物保护信息|O||11
森林防火监测信息|O||12
自然保护地信息|O|03|11
林草种子生产经营许可信息|L||
"""),
    _d("ty", "{city}体育局", None, "体育", "11", 0.4,
       "群众体育科 竞技体育科 体育产业科",
       "全民健身信息服务平台 体育场馆管理系统",
       "全民健身和体育场馆管理", "全民健身公共服务和体育赛事管理",
       """
场馆名称|CGMC|venue_name|C|200||
场馆类型|CGLX|venue_type|C|4||
建筑面积（平方米）|JZMJ|floor_area|N|18||
开放时间|KFSJ|opening_hours|C|100||
等级|DJ|grade|C|2||
证书编号|ZSBH|certificate_no|C|30||
项目名称|XMMC|event_name|C|200||
举办日期|JBRQ|event_date|D|8||
参赛人数|CSRS|participants|I|8||
测试日期|CSRQ|test_date|D|8||
综合评级|ZHPJ|overall_rating|C|1||
器材数量|QCSL|equipment_count|I|6||
""", """
公共体育场馆信息|O||01
社会体育指导员信息|P||01
高危险性体育项目经营许可信息|L||05
体育赛事活动信息|O||01
国民体质监测信息|P||02
全民健身路径信息|O||01
"""),
    _d("xf", "{city}信访局", None, "信访", "11", 0.4,
       "办信科 接访科 督查督办科",
       "国家信访信息系统",
       "信访事项受理、办理和督办", "矛盾纠纷化解和社会稳定风险研判",
       """
信访件编号|XFJBH|petition_no|C|30||
信访形式|XFXS|petition_form|C|2||
信访日期|XFRQ|petition_date|D|8||
信访事由|XFSY|petition_reason|M|2000|s|
问题属地|WTSD|issue_location|C|100||
责任单位|ZRDW|responsible_unit|C|200||
办理状态|BLZT|handling_status|C|2||
答复意见|DFYJ|reply|M|2000||
满意度|MYD|satisfaction|C|1||
""", """
信访事项受理信息|P||12
网上信访信息|P||12
信访事项办理结果信息|P||
重复信访事项信息|P||12
"""),
    _d("xzsp", "{city}行政审批服务局", None, "行政审批", "11", 1.0,
       "政务服务管理科 投资建设审批科 市场准入审批科 社会事务审批科",
       "一体化政务服务平台 投资项目审批系统 电子证照库 电子印章系统",
       "政务服务事项受理、审批和证照发放", "“一网通办”、证照共享应用和营商环境评价",
       """
办件编号|BJBH|case_no|C|40||
事项名称|SXMC|service_item|C|200||
事项编码|SXBM|service_item_code|C|40||
申请人名称|SQRMC|applicant_name|C|200||
受理时间|SLSJ|accept_time|T|14||
办结时间|BJSJ|finish_time|T|14||
办理结果|BLJG|result|C|2||
评价等级|PJDJ|rating|C|1||
评价内容|PJNR|rating_comment|C|500||
证照名称|ZZMC|license_name|C|100||
证照编号|ZZBH|license_no|C|50||
印章编码|YZBM|seal_code|C|30||
""", """
政务服务事项办件信息|L||01
政务服务好差评信息|P||01
行政许可决定信息|L|04|08
投资项目联合审批信息|L||
政务服务事项目录信息|O||01
电子印章信息|L||
审批证照批文信息|L|05|
"""),
    _d("dsj", "{city}大数据管理局", None, "大数据", "12", 0.6,
       "数据资源科 政务云科 电子政务外网管理科",
       "政务数据共享交换平台 公共数据开放平台 政务云管理平台",
       "政务数据资源管理和政务云运维", "数据共享调度、系统整合和数据治理",
       """
系统名称|XTMC|system_name|C|200||
建设单位|JSDW|owner_unit|C|200||
上线日期|SXRQ|go_live_date|D|8||
云主机数量|YZJSL|vm_count|I|6||
存储容量（TB）|CCRL|storage_tb|N|10||
接口名称|JKMC|api_name|C|200||
调用方|DYF|caller|C|200||
调用时间|DYSJ|call_time|T|14||
调用次数|DYCS|call_count|I|10||
目录名称|MLMC|catalog_name|C|200||
开放方式|KFFS|open_method|C|2||
接入单位|JRDW|connected_unit|C|200||
需求内容|XQNR|demand_content|C|1000||
""", """
政务信息系统清单信息|O||
政务云资源使用信息|O||
共享交换平台接口调用日志信息|O||
公共数据开放目录信息|O||
电子政务外网接入单位信息|O||
数据共享需求清单信息|O||
"""),
    _d("tax", "国家税务总局{city}税务局", None, "税务", "11", 2.0,
       "纳税服务科 征收管理科 社会保险费科 税收经济分析科 稽查局",
       "金税三期税收管理系统 电子税务局 增值税发票管理系统 社会保险费征收系统",
       "税费征收管理、纳税服务和税务稽查", "纳税信用应用、涉税信息比对和社保费征缴",
       """
纳税人识别号|NSRSBH|taxpayer_id|C|20||
纳税人名称|NSRMC|taxpayer_name|C|200||
纳税人状态|NSRZT|taxpayer_status|C|2||
主管税务机关|ZGSWJG|tax_authority|C|200||
征收项目|ZSXM|levy_item|C|10||
税款所属期起|SKSSQQ|period_from|D|8||
税款所属期止|SKSSQZ|period_to|D|8||
应纳税额（元）|YNSE|tax_payable|Y|18||
实缴税额（元）|SJSE|tax_paid|Y|18||
欠税余额（元）|QSYE|arrears|Y|18||
信用等级|XYDJ|credit_level|C|1||A、B、M、C、D|A
评价年度|PJND|evaluation_year|C|4|||2023
发票代码|FPDM|invoice_code|C|12||
发票号码|FPHM|invoice_no|C|20||
开票日期|KPRQ|invoice_date|D|8||
金额（元）|JE|amount|Y|18||
减免性质代码|JMXZDM|relief_code|C|10||
""", """
纳税人登记信息|L|02|08
纳税信用等级信息|L|04|08
欠税公告信息|L|04|08
增值税发票开具信息|L||
企业所得税汇算清缴信息|L||
个人所得税纳税信息|P||
社会保险费缴费信息|L||03
重大税收违法失信案件信息|L|04|08
车辆购置税完税信息|P||
存量房交易税收信息|P||
税收优惠备案信息|L||
"""),
    _d("gjj", "{city}住房公积金管理中心", None, "住房公积金", "12", 0.8,
       "归集管理科 信贷管理科 稽核科",
       "住房公积金综合业务系统 住房公积金网上服务大厅",
       "住房公积金归集、提取和贷款", "公积金贷款审核、缴存证明和住房消费支持",
       """
个人账号|GRZH|account_no|C|20||
单位账号|DWZH|employer_account_no|C|20||
缴存基数（元）|JCJS|deposit_base|Y|18||
月缴存额（元）|YJCE|monthly_deposit|Y|18||
账户余额（元）|ZHYE|balance|Y|18|s|
账户状态|ZHZT|account_status|C|1||
贷款合同号|DKHTH|loan_contract_no|C|30||
贷款金额（元）|DKJEY|loan_amount|Y|18||
贷款期限（月）|DKQX|loan_term|I|4||
提取原因|TQYY|withdrawal_reason|C|2||
提取金额（元）|TQJE|withdrawal_amount|Y|18||
逾期期数|YQQS|overdue_periods|I|4||
""", """
住房公积金缴存职工信息|P||03
住房公积金缴存单位信息|L||03
住房公积金个人贷款信息|P||
住房公积金提取信息|P||
住房公积金缴存证明信息|P||
住房公积金逾期贷款信息|P||08
"""),
    _d("cl", "{city}残疾人联合会", None, "残联", "13", 0.6,
       "康复部 教育就业部 维权部",
       "全国残疾人人口基础数据库管理系统 残疾人康复服务信息系统",
       "残疾人证办理、康复服务和就业帮扶", "残疾人福利补贴核验和精准帮扶",
       """
残疾人证号|CJRZH|disability_cert_no|C|20|s|
残疾类别|CJLB|disability_category|C|1|s|
残疾等级|CJDJ|disability_grade|C|1|s|
发证日期|FZRQ|issue_date|D|8||
康复服务项目|KFFWXM|rehab_service|C|100|s|
服务机构|FWJG|service_provider|C|200||
就业形式|JYXS|employment_form|C|2||
辅具名称|FJMC|assistive_device|C|100||
资助金额（元）|ZZJE|aid_amount|Y|18||
托养方式|TYFS|care_mode|C|1||
""", """
残疾人证电子证照信息|P|05|03
残疾人康复服务信息|P||02
残疾人就业信息|P||03
残疾人辅助器具适配信息|P||
残疾学生教育资助信息|P||
残疾人托养服务信息|P||03
"""),
    _d("qx", "{city}气象局", None, "气象", "12", 0.6,
       "观测与网络科 气象台 防雷减灾科",
       "综合气象观测业务系统 气象灾害预警发布系统",
       "气象观测、天气预报和气象灾害预警", "防灾减灾、农业生产和公众出行",
       """
站号|ZH|station_id|C|10||
站名|ZM|station_name|C|50||
观测时间|GCSJ|observation_time|T|14||
气温（摄氏度）|QW|temperature|N|6||
降水量（毫米）|JSL|precipitation|N|8||
风向（度）|FX|wind_direction|I|3||
风速（米/秒）|FS|wind_speed|N|6||
相对湿度（%）|XDSD|humidity|I|3||
预警类型|YJLX|warning_type|C|2||
预警级别|YJJB|warning_level|C|1||
发布时间|FBSJ|issue_time|T|14||
预报时效|YBSX|forecast_hours|I|4||
作业方式|ZYFS|operation_mode|C|1||
检测结论|JCJL|test_conclusion|C|10||
""", """
地面气象观测数据|O|03|12
气象灾害预警信号信息|O||12
城镇天气预报信息|O||01
人工影响天气作业信息|O||
雷电防护装置检测信息|L||05
自动气象站站点信息|O||
"""),
    _d("xfjy", "{city}消防救援支队", None, "消防救援", "11", 0.6,
       "防火监督处 作战训练处 指挥中心",
       "社会单位消防安全户籍化管理系统 消防监督管理系统 灭火救援指挥系统",
       "消防监督检查、火灾调查和灭火救援", "火灾风险防控和应急救援调度",
       """
单位名称|DWMCXF|unit_name|C|200||
消防安全责任人|XFAQZRR|safety_officer|C|50||
建筑面积（平方米）|JZMJ|floor_area|N|18||
检查日期|JCRQ|inspection_date|D|8||
检查结果|JCJG|inspection_result|C|2||
火灾编号|HZBH|fire_no|C|30||
起火时间|QHSJ|fire_time|T|14||
起火原因|QHYY|fire_cause|C|100||
过火面积（平方米）|GHMJ|burned_area|N|18||
水源编号|SYBH|water_source_no|C|20||
水源类型|SYLX|water_source_type|C|2||
站点名称|ZDMC|station_name|C|100||
执勤车辆数|ZQCLS|vehicles_on_duty|I|4||
""", """
消防安全重点单位信息|L||05
火灾事故信息|O||12
公众聚集场所投入使用营业前消防安全检查信息|L||05
消防监督检查信息|L||05
消防水源信息|O||12
消防救援站信息|O||12
"""),
    _d("mzzj", "{city}民族宗教事务局", None, "民族宗教", "11", 0.3,
       "民族工作科 宗教工作科",
       "宗教事务管理信息系统",
       "民族宗教事务管理", "民族团结进步创建和宗教事务依法管理",
       """
场所名称|CSMC|venue_name|C|200||
宗教类别|ZJLB|religion_type|C|2||
登记证号|DJZH|reg_cert_no|C|30||
备案日期|BARQ|filing_date|D|8||
教职类别|JZLB|clergy_type|C|2||
命名年度|MMND|naming_year|C|4|||2022
命名单位|MMDW|naming_authority|C|200||
""", """
宗教活动场所信息|O||
宗教教职人员备案信息|P||
民族团结进步示范单位信息|L||
"""),
    _d("jr", "{city}地方金融监督管理局", None, "地方金融监管", "11", 0.4,
       "地方金融机构监管科 金融风险防范处置科",
       "地方金融监管信息系统 非法集资监测预警平台",
       "地方金融组织监管和金融风险处置", "金融风险监测预警和地方金融组织监管",
       """
机构名称|JGMC|institution_name|C|200||
注册资本（万元）|ZCZBJR|capital|Y|18||
贷款余额（万元）|DKYE|loan_balance|Y|18||
在保余额（万元）|ZBYE|guarantee_balance|Y|18||
监管评级|JGPJ|supervision_rating|C|1||
评级年度|PJND|rating_year|C|4|||2023
风险等级|FXDJ|risk_level|C|1||
监测日期|JCRQ|monitoring_date|D|8||
线索来源|XSLY|lead_source|C|50||
""", """
小额贷款公司信息|L||
融资担保公司信息|L||
典当行信息|L||
地方金融组织监管评级信息|L||08
非法集资风险监测信息|L||12
"""),
    _d("ls", "{city}粮食和物资储备局", None, "粮食和储备", "11", 0.4,
       "仓储管理科 粮食流通科 物资储备科",
       "粮食储备管理信息系统 粮食流通统计系统",
       "粮食收购监管、地方储备管理和物资储备", "粮食安全保障和应急物资调度",
       """
库点名称|KDMC|depot_name|C|200||
粮食品种|LSPZ|grain_variety|C|20||
库存数量（吨）|KCSL|stock_tonnes|N|18||
收获年度|SHND|harvest_year|C|4|||2023
收购价格（元/吨）|SGJG|purchase_price|Y|18||
监测日期|JCRQ|monitoring_date|D|8||
物资名称|WZMC|material_name|C|100||
储备数量|CBSL|reserve_quantity|N|18||
检验结果|JYJGLS|inspection_result|C|10||
备案编号|BABH|filing_no|C|30||
""", """
粮食收购企业备案信息|L||07
地方储备粮库存信息|O||07
粮油价格监测信息|O||06
救灾物资储备信息|O||12
粮油质量检验信息|O||04
"""),
    _d("rf", "{city}人民防空办公室", None, "人民防空", "11", 0.3,
       "工程管理科 通信警报科",
       "人防工程管理信息系统 防空警报控制系统",
       "人防工程建设管理和防空警报设施维护", "城市防护和应急疏散",
       """
工程名称|GCMC|project_name|C|200||
工程类别|GCLB|project_type|C|2||
防护等级|FHDJ|protection_grade|C|2||
掩蔽面积（平方米）|YBMJ|shelter_area|N|18||
警报器编号|JBQBH|siren_no|C|20||
设置位置|SZWZ|location|C|200||
易地建设费（万元）|YDJSF|offsite_fee|Y|18||
许可证编号|XKZBH|license_no|C|30||
""", """
人防工程信息|O||12
防空警报设施信息|O||12
人防工程易地建设费收缴信息|L||
人防工程使用许可信息|L||
"""),
    _d("ggzy", "{city}公共资源交易中心", None, "公共资源交易", "12", 0.8,
       "交易服务科 信息技术科 场地管理科",
       "公共资源电子交易平台 评标专家管理系统",
       "工程建设、政府采购和产权交易服务", "交易全过程监管和信用评价",
       """
项目编号|XMBH|project_no|C|30||
项目名称|XMMC|project_name|C|200||
招标人|ZBR|tenderer|C|200||
招标代理机构|ZBDLJG|tender_agent|C|200||
控制价（万元）|KZJ|ceiling_price|Y|18||
开标时间|KBSJ|bid_opening_time|T|14||
中标人|ZBRZB|winning_bidder|C|200||
中标价（万元）|ZBJ|winning_price|Y|18||
交易方式|JYFS|trading_method|C|2||
成交价（万元）|CJJ|deal_price|Y|18||
专家专业|ZJZY|expert_specialty|C|100||
""", """
工程建设项目招标信息|L||
工程建设项目中标结果信息|L||08
政府采购交易信息|L||
土地和矿业权交易信息|L||
国有产权交易信息|L||
公共资源交易主体信息|L||08
评标专家信息|P||
"""),
)

# -- "one data, one source": the same data listed by several departments ------------------

#: (group key, label, ((domain key, item name, subject, field lines), …)); the
#: fields reuse the pools above by name or give their own line (a synonym).
DUPLICATE_GROUPS = (
    ("household_population", "户籍人口", (
        ("ga", "户籍人口基本信息", "P", ("公民身份号码", "姓名", "性别", "民族", "出生日期", "户籍地址", "户号",
                                   "与户主关系", "户籍登记日期", "户籍地行政区划")),
        ("mz", "户籍人口信息", "P", ("身份证号|SFZH|id_card_no|C|18|pk,s,id=citizen_id|居民身份证号码",
                                 "姓名", "性别", "出生日期", "民族", "户籍地址", "户籍地行政区划", "联系电话")),
        ("wj", "辖区户籍人口基础信息", "P", ("身份证号码|SFZHM|id_card_no|C|18|pk,s,id=citizen_id|居民身份证号码",
                                     "姓名", "性别", "出生日期", "户籍地址", "现住址", "联系电话")),
    )),
    ("enterprise_registration", "企业登记", (
        ("scjg", "企业登记基本信息", "L", ("统一社会信用代码", "企业名称", "法定代表人", "成立日期",
                                    "注册资本（万元）", "住所", "经营范围", "登记状态", "登记机关")),
        ("tax", "企业登记基本信息", "L", ("统一社会信用代码", "纳税人名称", "法定代表人", "成立日期",
                                   "注册资本（万元）", "住所", "经营范围", "纳税人状态", "主管税务机关")),
    )),
    ("disabled_persons", "残疾人", (
        ("cl", "持证残疾人基本信息", "P", ("公民身份号码", "姓名", "性别", "残疾人证号", "残疾类别", "残疾等级",
                                    "发证日期", "户籍地址")),
        ("mz", "残疾人基本信息", "P", ("身份证号码|SFZHM|id_card_no|C|18|pk,s,id=citizen_id|居民身份证号码",
                                  "姓名", "性别", "残疾类别|CJLB|disability_category|C|1|s|",
                                  "残疾等级", "现住址", "联系电话")),
    )),
    ("real_estate_registration", "不动产（房屋）登记", (
        ("zrzy", "不动产登记信息", "P", ("权利人公民身份号码|QLRGMSFHM|holder_id_no|C|18|pk,s,id=citizen_id|",
                                   "权利人", "不动产单元号", "不动产权证号", "坐落", "建筑面积（平方米）", "用途",
                                   "登记时间")),
        ("zj", "房屋产权登记信息", "P", ("产权人身份证号|CQRSFZH|owner_id_no|C|18|pk,s,id=citizen_id|",
                                   "产权人|CQR|owner_name|C|200|s|", "房屋坐落", "产权证号|CQZH|title_no|C|50||",
                                   "建筑面积（平方米）|JZMJ|floor_area|N|18||", "房屋用途|FWYT|house_use|C|4||",
                                   "登记日期|DJRQ|reg_date|D|8||")),
    )),
)

#: Topics that are the very data of a seeded member, under another name or edition (不动产权证书 is the
#: 不动产登记 data; 户籍人口基本信息 of any year is the 户籍人口 data): the member's department draws no
#: other entries of them, so each seeded group is exactly its members and one-data-one-source finds
#: nothing beside them (registry.sourcing.duplicates).
SEEDED_TOPICS: tuple[tuple[str, str], ...] = (
    ("ga", "户籍人口基本信息"),
    ("zrzy", "不动产权证书电子证照信息"),
)

# -- variations of a topic's name ----------------------------------------------------

#: Replace a topic's trailing 信息/数据 to name another resource of the same topic.
NAME_VARIANTS = ("数据", "台账", "变更信息", "注销信息", "统计信息", "历史信息", "汇总信息", "明细数据",
                 "月报数据", "年报数据", "核查信息", "档案信息")
FIRST_YEAR, LAST_YEAR = 2015, 2024

# -- formats, texts -------------------------------------------------------------------

DATABASE_TYPES = ("oracle", "oracle", "MySQL", "MySQL", "Dm", "KingbaseES", "PostgreSQL", "sql server", "GaussDB")
SPREADSHEET_TYPES = ("xlsx", "xlsx", "xls", "et")
FILE_TYPES = ("pdf", "docx", "OFD", "xml", "wps")

#: Laws that let a department restrict sharing or opening, by kind of data.
PERSONAL_BASES = (
    "《中华人民共和国个人信息保护法》第三十四条",
    "《中华人民共和国个人信息保护法》第二十八条、第三十四条",
    "《中华人民共和国数据安全法》第三十八条",
    "《中华人民共和国网络安全法》第四十五条",
)
DOMAIN_BASES = {
    "ga": ("《中华人民共和国居民身份证法》第六条", "《中华人民共和国个人信息保护法》第二十六条"),
    "tax": ("《中华人民共和国税收征收管理法》第八条",),
    "tj": ("《中华人民共和国统计法》第九条、第二十五条",),
    "rs": ("《中华人民共和国社会保险法》第八十一条",),
    "yb": ("《中华人民共和国社会保险法》第八十一条", "《中华人民共和国基本医疗卫生与健康促进法》第九十二条"),
    "wj": ("《中华人民共和国基本医疗卫生与健康促进法》第九十二条",),
    "jy": ("《中华人民共和国未成年人保护法》第七十二条",),
    "zrzy": ("《不动产登记暂行条例》第二十七条、第二十八条",),
}
GENERAL_BASES = (
    "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第九条",
    "《中华人民共和国数据安全法》第三十八条",
)
NOT_SHARED_BASES = (
    "涉及国家秘密，依据《中华人民共和国保守国家秘密法》不予共享",
    "涉及商业秘密和个人隐私，依据《中华人民共和国数据安全法》第三十八条不予共享",
    "属于内部执法办案数据，依据《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第九条不予共享",
)
SHARE_CONDITIONS = (
    "仅限依法履行职责需要使用；使用部门通过共享平台提出申请，经提供部门审核同意后共享",
    "仅提供核验服务，返回比对结果，不提供原始数据批量下载",
    "使用部门须说明使用事由、范围和期限，按最小必要原则提供所需信息项",
    "限于本部门业务办理和监管执法使用，不得向第三方提供或用于其他目的",
    "须签订数据共享安全保密协议，按申请的信息项和调用频次提供",
)
OPEN_CONDITIONS = (
    "经实名注册并签订数据使用协议后，通过公共数据开放平台申请获取",
    "仅开放脱敏后的统计汇总数据，申请人须说明用途",
    "面向科研机构和企业授权开放，使用须接受安全评估",
)
OPEN_BASES = (
    "涉及个人隐私，依据《中华人民共和国政府信息公开条例》第十五条不予开放",
    "涉及商业秘密，依据《中华人民共和国政府信息公开条例》第十五条不予开放",
    "属于过程性信息，依据《中华人民共和国政府信息公开条例》第十六条不予开放",
    "依据《中华人民共和国数据安全法》第三十八条，仅在授权范围内开放",
)
FIELD_SHARE_CONDITION = "敏感信息项，仅在依法履职确需时经提供部门审核后共享"

#: Third-party data some departments buy (binzhou §13 wants it cataloged).
PURCHASE_SOURCES = ("中国电信股份有限公司嵩原分公司", "北京某地图科技有限公司", "某征信服务有限公司")

SUMMARY_USES = ("主要用于{usage}等工作。", "可为{usage}提供数据支撑。", "服务于{usage}。")
SUMMARY_NOTES = ("数据来源于{system}，经提供部门审核后汇聚。", "数据覆盖{scope}。",
                 "涉及个人信息，使用时须遵守个人信息保护有关规定。")

# -- people (contacts) --------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强文斌鹏辉玲丹萍宇浩凯晨欣怡佳琪子涵雨轩博文梓萱思远俊杰海燕晓东"
