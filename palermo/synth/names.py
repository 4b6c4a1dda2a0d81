"""Synthetic name pools per nationality, for generated test and benchmark data.

Every name here is a common given or family name of its country, combined at random: no
person in the generated data is real. The pools are large enough that common-name collisions
(many different people called Nguyen Van Anh) happen as often as they do in real referrals,
which is what makes linkage hard.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NamePool:
    """The names and spellings used for people of one nationality.

    ``family_first`` marks naming orders where the family name is written first (Chinese,
    Vietnamese), which makes swapped given/family names in records more likely.
    ``spellings`` are ways agencies write the nationality: name, demonym, ISO codes.
    ``family_weights`` gives the family-name distribution (a few names are very common).
    """

    iso3: str
    weight: float
    given_male: tuple[str, ...]
    given_female: tuple[str, ...]
    family: tuple[str, ...]
    spellings: tuple[str, ...]
    family_first: bool = False
    middle_male: tuple[str, ...] = ()
    middle_female: tuple[str, ...] = ()
    family_weights: tuple[float, ...] = field(default=())
    family_tail: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    given_tail_male: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    given_tail_female: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    tail_share: float = 0.0

    def long_tail(self, kind: str) -> tuple[str, ...]:
        """Names composed from stems and endings (``Ash``+``worth``), for the rare-name tail.

        A national data set has thousands of rare names besides the common ones; without
        them a million generated records would all share a few hundred names.
        """
        stems, endings = {"family": self.family_tail, "male": self.given_tail_male}.get(
            kind, self.given_tail_female
        )
        return tuple(stem + ending for stem in stems for ending in endings)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _tail(stems: str, endings: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(stems.split()), tuple(endings.split())


def _zipf(n: int, s: float = 0.9) -> tuple[float, ...]:
    return tuple(1.0 / (rank**s) for rank in range(1, n + 1))


_VN_FAMILY = _split(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lâm Mai"
)
_CN_FAMILY = _split(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang "
    "Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei"
)

POOLS: tuple[NamePool, ...] = (
    NamePool(
        iso3="GBR",
        weight=0.24,
        given_male=_split(
            "James John David Michael Daniel Thomas Matthew Christopher Andrew Joshua Ryan Liam Jack "
            "Harry Charlie George Oliver Jacob Callum Connor Kyle Jordan Lewis Adam Luke Nathan Ben "
            "Samuel Joseph Aaron Jamie Dylan Reece Tyler Kieran Bradley Ethan Mason Alfie Leo"
        ),
        given_female=_split(
            "Sarah Emma Laura Rebecca Jessica Hannah Amy Chloe Sophie Lauren Emily Charlotte Megan "
            "Olivia Lucy Ellie Holly Jade Leah Shannon Courtney Bethany Amelia Grace Mia Isla Ruby "
            "Paige Abigail Molly Kayleigh Danielle Natalie Stacey Gemma Kirsty Nicole Zoe Katie Eve"
        ),
        family=_split(
            "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
            "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
            "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
            "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
            "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
            "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
            "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes"
        ),
        spellings=("British", "United Kingdom", "UK", "GB", "GBR", "England"),
        family_tail=_tail(
            "Ash Black Brad Bright Brook Cald Chad Clay Cole Crom Dal Dray Elm Fair Farn Fox Gold Green Hal "
            "Hart Hay Hol Kel Kings Lang Lock Mar Mel Mid Mor Nor Oak Pem Red Rush Sal Shel Stan Stock Sum "
            "Thorn Wal West Whit Wood Wyn",
            "ton ford ley wood worth field by ham well more son hurst stead wick ridge dale croft bury cott land",
        ),
        tail_share=0.6,
    ),
    NamePool(
        iso3="ALB",
        weight=0.14,
        given_male=_split(
            "Ardit Arben Besnik Blerim Dritan Endrit Erion Fatjon Gentian Ilir Klodian Kristian Luan "
            "Marsel Mikel Olsi Renato Rigers Sokol Taulant Xhesi Elton Ervin Armando Klevis Eltion "
            "Denis Florian Gezim Jurgen Mario Orges Redon Sabri Arjan Bledar Edmond Fation Gjergj"
        ),
        given_female=_split(
            "Anisa Arta Besjana Blerina Dorina Elona Enkeleda Ermira Fjona Flutura Jonida Klea Lindita "
            "Majlinda Mirela Oriona Rezarta Sidorela Teuta Valbona Xhensila Ajola Brikena Elda Erjona"
        ),
        family=_split(
            "Hoxha Shehu Gashi Berisha Krasniqi Kola Leka Dervishi Marku Çela Hasani Basha Shala Mema "
            "Prifti Ahmeti Kelmendi Gjoka Meta Lika Rama Dedja Duka Zeneli Xhafa Bregu Muça Tafa "
            "Sula Hysa Nika Kapllani Brahimi Osmani Qosja Kuka Bushati Dibra Malaj Vata"
        ),
        spellings=("Albania", "Albanian", "AL", "ALB"),
        family_tail=_tail(
            "Ber Bre Dal Dem Dra Gjo Hal Kal Kur Lek Mar Muj Ndr Pre Rex Sel Shk Tol Vel Xhe Zef",
            "aj i ja llari ku mi ni ri xhiu ollari",
        ),
        tail_share=0.4,
    ),
    NamePool(
        iso3="VNM",
        weight=0.10,
        given_male=_split(
            "Anh Bình Cường Dũng Đức Hải Hiếu Hòa Hùng Huy Khánh Khoa Long Minh Nam Phong Phúc Quang "
            "Quân Sơn Tài Thắng Thành Thiện Toàn Trung Tuấn Tùng Việt Vinh Bảo Hiển Lâm Nhật Tâm"
        ),
        given_female=_split(
            "Anh Chi Dung Giang Hà Hạnh Hằng Hoa Hương Huyền Lan Linh Loan Mai My Ngọc Nhung Oanh "
            "Phương Quỳnh Tâm Thảo Thu Thủy Trang Trinh Uyên Vân Yến Hồng Liên Nga Diệp Thanh"
        ),
        middle_male=_split("Văn Văn Văn Đức Minh Quốc Hữu Thanh Công Xuân"),
        middle_female=_split("Thị Thị Thị Ngọc Thu Thanh Kim Mỹ Hồng Bích"),
        family=_VN_FAMILY,
        family_weights=(38, 11, 9.5, 7, 5, 5, 4.5, 3.9, 2, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 0.7, 0.7, 0.6, 0.6),
        spellings=("Vietnam", "Viet Nam", "Vietnamese", "VN", "VNM"),
        family_first=True,
    ),
    NamePool(
        iso3="ERI",
        weight=0.07,
        given_male=_split(
            "Yohannes Tesfaye Mehari Berhane Kibrom Semere Habtom Filmon Dawit Robel Yonas Samuel "
            "Michael Tekle Goitom Merhawi Natnael Biniam Aron Henok Efrem Isaias Kidane Teklay Amanuel"
        ),
        given_female=_split(
            "Helen Selam Senait Mebrat Saba Yordanos Ruta Feven Winta Luwam Hiwet Rahel Eden Lidya "
            "Aster Tsega Meron Almaz Freweini Nardos Ksanet Elsa Semhar Danait"
        ),
        family=_split(
            "Tesfaye Gebre Haile Berhane Tekle Mehari Kidane Habte Ghebremedhin Tsegaye Yemane "
            "Woldemichael Gebremaryam Asmelash Okbay Andemariam Fesehaye Negash Abraha Kahsay "
            "Hagos Zerai Mesfin Tewelde Weldu Teklehaimanot Measho Ghirmay Solomon Isaak"
        ),
        spellings=("Eritrea", "Eritrean", "ER", "ERI"),
        family_tail=_tail(
            "Gebre Haile Tesfa Wolde Kidane Habte Tekle Berhe Zere Fitsum Ghebre Mehret",
            "mariam michael selassie medhin hiwet giorgis yesus kidan mikael ab",
        ),
        given_tail_male=_tail(
            "Gebre Haile Tesfa Wolde Kiflom Habte", "mariam michael selassie medhin giorgis ab"
        ),
        given_tail_female=_tail("Tsega Mebrat Hiwet Selam Abrehet", "mariam yesus hiwet"),
        tail_share=0.4,
    ),
    NamePool(
        iso3="SDN",
        weight=0.06,
        given_male=_split(
            "Mohammed Ahmed Osman Omar Ibrahim Hassan Hussein Yousef Abdallah Khaled Suleiman Adam "
            "Mustafa Musa Ismail Salih Tariq Bashir Hamza Abubakar Idris Faisal Nasir Jamal Babiker"
        ),
        given_female=_split(
            "Fatima Aisha Mariam Amna Khadija Hawa Zainab Safaa Huda Sara Nour Rania Samira Mona Salma"
        ),
        family=_split(
            "Mohammed Ahmed Osman Abdallah Ibrahim Hassan Hussein Ali Omar Adam Yousef Suleiman Musa "
            "Elamin Babiker Abdelrahman Elsheikh Ismail Idris Salih Mahmoud Hamid Khalil Elnour Bakri"
        ),
        spellings=("Sudan", "Sudanese", "SD", "SDN"),
        family_tail=_tail(
            "El Al", "amin hassan fadil tayeb bashir nour haj mahdi tahir sadiq zubair khair obeid tom"
        ),
        given_tail_male=_tail(
            "Abdel Abdul", "rahman aziz karim majid latif hamid salam qadir wahab hakim moneim"
        ),
        tail_share=0.4,
    ),
    NamePool(
        iso3="ROU",
        weight=0.06,
        given_male=_split(
            "Andrei Alexandru Ionuț Mihai Florin Adrian Cristian Marius Gabriel Ștefan Bogdan Daniel "
            "Vasile Nicolae Ion Constantin Răzvan Sorin Cătălin Ciprian Dorin Liviu Ovidiu Gheorghe"
        ),
        given_female=_split(
            "Maria Elena Ioana Andreea Alexandra Mihaela Cristina Ana Gabriela Roxana Daniela Florentina "
            "Simona Alina Raluca Georgiana Nicoleta Larisa Bianca Denisa Loredana Ramona"
        ),
        family=_split(
            "Popescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Constantin Rusu Mihai "
            "Ionescu Munteanu Lungu Florea Marin Tudor Ene Moldovan Dinu Barbu Serban Nistor Badea "
            "Lazăr Neagu Dobre Zamfir Căpraru Rădulescu Sandu Cojocaru Ursu Vlad"
        ),
        spellings=("Romania", "Romanian", "RO", "ROU"),
        family_tail=_tail(
            "Andr Bal Bot Cost Drag Fil Grig Ior Lup Marc Nic Opr Pet Rad Stef Tom Vas Zah Mocan Bucur",
            "escu eanu ache ariu oiu ila",
        ),
        tail_share=0.5,
    ),
    NamePool(
        iso3="CHN",
        weight=0.05,
        given_male=_split(
            "Wei Jun Hao Lei Jie Tao Ming Qiang Jian Bo Yong Gang Peng Chao Hui Long Feng Xin Yu Hong "
            "Zhiwei Jianguo Haoran Zihao Yifan Jiahao Junjie Yuxuan Chen Kai"
        ),
        given_female=_split(
            "Fang Jing Li Min Na Xiu Ying Yan Hui Mei Lan Xia Juan Ting Qian Lin Yue Xue Hong Ping "
            "Xiaoyan Xiaomei Yuxin Zihan Yutong Jiayi Shuang Wen"
        ),
        family=_CN_FAMILY,
        family_weights=_zipf(len(_CN_FAMILY), 0.7),
        spellings=("China", "Chinese", "CN", "CHN"),
        given_tail_male=_tail(
            "Zhi Jia Yu Zi Hao Xin Jun Wen Ming Tian Guo Jian Hong Qing Shu",
            "wei hao yu xuan ming jie qiang hua long peng rui bo tao feng",
        ),
        given_tail_female=_tail(
            "Xiao Jia Yu Zi Xin Wen Li Chun Qing Hui Shu Mei Yue",
            "ting yan fei lin xin yi ning han qi lu jing hong ying",
        ),
        tail_share=0.6,
        family_first=True,
    ),
    NamePool(
        iso3="NGA",
        weight=0.05,
        given_male=_split(
            "Chukwuemeka Oluwaseun Adebayo Emeka Chinedu Ifeanyi Tunde Obinna Babatunde Segun Olumide "
            "Uchenna Kelechi Ikechukwu Abdullahi Ibrahim Musa Yusuf Samuel Daniel Godwin Victor Femi"
        ),
        given_female=_split(
            "Chioma Ngozi Adaeze Funmilayo Oluwakemi Blessing Precious Favour Amaka Nneka Yetunde "
            "Folake Aisha Hauwa Esther Grace Joy Ifeoma Chiamaka Temitope Bukola Abiola"
        ),
        family=_split(
            "Okafor Okonkwo Adeyemi Ogunleye Eze Nwosu Adebayo Olawale Ibrahim Musa Bello Okeke Obi "
            "Chukwu Balogun Adeleke Oyelaran Nwachukwu Ogbonna Onyeka Afolabi Ajayi Akinola Danjuma "
            "Uche Okoro Ekwueme Abubakar Lawal Olaniyan"
        ),
        spellings=("Nigeria", "Nigerian", "NG", "NGA"),
        family_tail=_tail(
            "Ade Ola Olu Oye Chi Nwa Obi Eze Ike Oke Ogun Aki Ayo Baba",
            "yemi wale kunle bunmi nedu chukwu nna ola sanya tunde femi jide",
        ),
        tail_share=0.5,
    ),
    NamePool(
        iso3="POL",
        weight=0.04,
        given_male=_split(
            "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Kamil Łukasz Mateusz Adam "
            "Grzegorz Wojciech Dawid Mariusz Rafał Bartosz Damian Przemysław Sebastian Szymon"
        ),
        given_female=_split(
            "Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Aleksandra Monika "
            "Natalia Karolina Paulina Justyna Marta Dorota Beata Zofia Julia Weronika"
        ),
        family=_split(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
            "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski "
            "Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król"
        ),
        spellings=("Poland", "Polish", "PL", "POL"),
        family_tail=_tail(
            "Bor Chmiel Dob Gor Jas Kacz Kos Lis Mal Ol Pol Rud Sob Stan Tom Wal Wrob Zal Sad Grab",
            "owski ewski ak czyk ek inski iak",
        ),
        tail_share=0.5,
    ),
    NamePool(
        iso3="IND",
        weight=0.04,
        given_male=_split(
            "Rahul Amit Rajesh Suresh Vijay Sanjay Arjun Rohit Vikram Manoj Deepak Anil Sunil Ravi "
            "Harpreet Gurpreet Karan Aman Nikhil Pradeep Ashok Mohan Ramesh Sandeep"
        ),
        given_female=_split(
            "Priya Pooja Anjali Neha Sunita Kavita Deepa Lakshmi Meena Rekha Simran Manpreet Divya "
            "Shreya Asha Geeta Nisha Rani Sonia Jyoti"
        ),
        family=_split(
            "Singh Kumar Sharma Patel Gupta Shah Reddy Rao Das Yadav Verma Mehta Joshi Nair Iyer Pillai "
            "Chauhan Kaur Gill Sandhu Malhotra Bhatt Mishra Pandey Chaudhary Desai"
        ),
        spellings=("India", "Indian", "IN", "IND"),
        family_tail=_tail(
            "Agar Bhat Chandra Dev Gan Jain Kapoor Khanna Mal Nag Pras Raj Sen Shri Srivas Tiwa",
            "wal nagar tava dhar ani esh kar",
        ),
        tail_share=0.4,
    ),
    NamePool(
        iso3="AFG",
        weight=0.04,
        given_male=_split(
            "Ahmad Mohammad Abdul Ali Hamid Karim Nasir Rahim Jawad Farid Omid Sohail Wahid Zabihullah "
            "Naveed Shafiq Habib Khalid Mustafa Bilal Sayed Rashid Zaman Qasim"
        ),
        given_female=_split(
            "Fatima Maryam Zahra Parwana Shabnam Nargis Farzana Mina Laila Roya Sahar Hamida"
        ),
        family=_split(
            "Ahmadi Rahimi Karimi Mohammadi Hakimi Sultani Popal Durrani Safi Stanekzai Noori Haidari "
            "Wardak Amiri Azizi Sadat Hashimi Rezaei Jalali Nazari Yousufzai Khan Mansoor Qaderi"
        ),
        spellings=("Afghanistan", "Afghan", "AF", "AFG"),
        family_tail=_tail("Ahmad Rahman Nazar Gul Sher Noor Khalil Zahir Qader Wali Hamid", "zai i yar khel"),
        tail_share=0.4,
    ),
    NamePool(
        iso3="IRN",
        weight=0.03,
        given_male=_split(
            "Ali Reza Mohammad Hossein Mehdi Amir Saeed Hamid Majid Behnam Arash Kaveh Dariush Babak "
            "Farhad Omid Navid Peyman Ramin Sina"
        ),
        given_female=_split("Maryam Zahra Fatemeh Narges Leila Shirin Parisa Sara Mina Nasrin Azadeh Roya"),
        family=_split(
            "Hosseini Mohammadi Rezaei Ahmadi Moradi Karimi Jafari Rahimi Sadeghi Ebrahimi Kazemi "
            "Hashemi Ghorbani Mousavi Akbari Amini Bagheri Heidari Nazari Azizi"
        ),
        spellings=("Iran", "Iranian", "IR", "IRN"),
        family_tail=_tail(
            "Rahim Karim Hashem Jafar Mousa Sadegh Tehran Shiraz Tabriz Esfahan Ghaffar Hassan Kashan",
            "i zadeh pour nia far",
        ),
        tail_share=0.5,
    ),
)


#: Wade-Giles, Cantonese and other spellings to generate for a canonical name (inverse of the
#: cleaning table, plus variants the cleaning table does not know, so that the model still has
#: work to do).
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "Zhang": ("Chang", "Cheung"),
    "Xu": ("Hsu",),
    "Zhou": ("Chou", "Chow"),
    "Zhao": ("Chao", "Chiu"),
    "Chen": ("Chan", "Chin"),
    "Wang": ("Wong",),
    "Li": ("Lee", "Lei"),
    "Liu": ("Lau",),
    "Huang": ("Hwang", "Wong"),
    "Yang": ("Yeung",),
    "Wu": ("Ng", "Woo"),
    "He": ("Ho",),
    "Jiang": ("Chiang",),
    "Cai": ("Tsai", "Choi"),
    "Guo": ("Kuo", "Kwok"),
    "Lin": ("Lam",),
    "Zeng": ("Tsang", "Tseng"),
    "Xie": ("Hsieh", "Tse"),
    "Song": ("Sung",),
    "Sun": ("Suen",),
    "Deng": ("Teng",),
    "Xiao": ("Hsiao", "Siu"),
    "Feng": ("Fung",),
    "Gao": ("Kao", "Ko"),
    "Ye": ("Yip", "Yeh"),
    "Zhu": ("Chu",),
    "Luo": ("Lo", "Law"),
    "Nguyễn": ("Nguyen", "Nguyn", "Nguen"),
    "Mohammed": ("Mohamed", "Muhammad", "Mohammad", "Mohamad", "Mohamud"),
    "Mohammad": ("Mohammed", "Muhammad", "Mohamad"),
    "Ahmed": ("Ahmad",),
    "Ahmad": ("Ahmed",),
    "Osman": ("Othman", "Usman"),
    "Omar": ("Omer", "Umar"),
    "Hussein": ("Hussain", "Husain"),
    "Hassan": ("Hasan",),
    "Yousef": ("Youssef", "Yusuf", "Yousif"),
    "Abdallah": ("Abdalla", "Abdullah"),
    "Suleiman": ("Sulaiman", "Soliman"),
    "Khaled": ("Khalid",),
    "Fatima": ("Fatma", "Fatimah"),
    "Aisha": ("Aysha", "Ayesha"),
    "Mariam": ("Maryam", "Miriam"),
    "Yohannes": ("Johannes", "Yohanes"),
    "Tesfaye": ("Tesfay", "Tesfai"),
    "Gebre": ("Ghebre",),
    "Gebremaryam": ("Gebremariam", "Ghebremariam"),
    "Tekle": ("Tecle",),
    "Berhane": ("Birhane", "Brhane"),
    "Mehari": ("Mihari",),
    "Tsegaye": ("Tsegay", "Tsegai"),
    "Kibrom": ("Kbrom",),
    "Semere": ("Semre",),
    "Selam": ("Salam",),
    "Helen": ("Hellen",),
    "Gjergj": ("Gjergji",),
    "Mihai": ("Mihail",),
    "Alexandru": ("Aleksander", "Alexander"),
}
